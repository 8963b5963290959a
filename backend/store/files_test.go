package store

import (
	"context"
	"io/fs"
	"os"
	"testing"
)

// The helpers below reach the test's data folder as the user (or a sync
// tool) would, behind the store's back: path is any path in a folder that
// testDir made.

// openStore opens a store on dir with what this platform needs (see
// platformOpts) and opts.
func openStore(t *testing.T, dir string, opts ...Option) (*Store, error) {
	t.Helper()
	return Open(context.Background(), dir, append(platformOpts(t, dir), opts...)...)
}

// writeFile replaces the file at path behind the store's back.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := testFS(t, path).OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) ([]byte, error) {
	t.Helper()
	return testFS(t, path).ReadFile(path)
}

func statFile(t *testing.T, path string) (fs.FileInfo, error) {
	t.Helper()
	return testFS(t, path).Stat(path)
}

func removeFile(t *testing.T, path string) error {
	t.Helper()
	return testFS(t, path).Remove(path)
}

func mkdirAll(t *testing.T, path string) {
	t.Helper()
	if err := testFS(t, path).MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
}

func readDir(t *testing.T, path string) []fs.DirEntry {
	t.Helper()
	es, err := testFS(t, path).ReadDir(path)
	if err != nil {
		t.Fatal(err)
	}
	return es
}
