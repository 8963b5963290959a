//go:build !js

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// murmur --version prints the version the release build stamped in, the
// same one every package carries.
func TestVersionFlag(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "murmur")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7-3-gabcdef0", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build murmur: %v\n%s", err, out)
	}
	for _, arg := range []string{"--version", "version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("murmur %s: %v\n%s", arg, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != "murmur v9.8.7-3-gabcdef0" {
			t.Errorf("murmur %s printed %q, want %q", arg, got, "murmur v9.8.7-3-gabcdef0")
		}
	}
}
