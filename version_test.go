//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// murmur --version prints the version the release build stamped in, the
// same one every package carries.
func TestVersionFlag(t *testing.T) {
	bin := murmurBinary(t)
	for _, arg := range []string{"--version", "version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil {
			t.Fatalf("murmur %s: %v\n%s", arg, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != "murmur "+e2eVersion {
			t.Errorf("murmur %s printed %q, want %q", arg, got, "murmur "+e2eVersion)
		}
	}
}
