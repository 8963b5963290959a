//go:build !js

package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The tests' access to the data folder on the desktop: a temporary folder
// on disk, read and changed through the OS (as a user or a sync tool would).

func testDir(t *testing.T) string { return t.TempDir() }

// lockedText is what a second Open of a folder in use says.
const lockedText = "another Murmur is using the data folder"

// platformOpts are the options a store in dir needs here: none.
func platformOpts(t *testing.T, dir string) []Option { return nil }

// testFS is the file system path lives in.
func testFS(t *testing.T, path string) fsys { return osFS{} }

func setMtime(t *testing.T, path string, mtime time.Time) {
	t.Helper()
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// dropIndex deletes the index of the store in dir (closed): the next Open rebuilds it.
func dropIndex(t *testing.T, dir string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(dir, indexFileName+suffix))
	}
}
