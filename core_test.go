//go:build !js

package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAtomicFileAbortKeepsTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.md")
	if err := os.WriteFile(path, []byte("old export"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := createAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half of the new"))
	f.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old export" {
		t.Fatalf("file after abort: %q", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("abort left %d files behind", len(entries))
	}
}
