//go:build !js

package shell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAtomicFileAbortKeepsTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.md")
	if err := os.WriteFile(path, []byte("old export"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := CreateAtomic(path)
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

func TestAtomicFileCloseReplacesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.md")
	if err := os.WriteFile(path, []byte("old export"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("the new export"))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "the new export" {
		t.Fatalf("file after close: %q", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("close left %d files behind", len(entries))
	}
}

func TestOpenRegularRefusesFolders(t *testing.T) {
	if _, err := OpenRegular(t.TempDir()); err == nil || !strings.Contains(err.Error(), "regular files can be opened") {
		t.Fatalf("importing a folder: %v", err)
	}
}
