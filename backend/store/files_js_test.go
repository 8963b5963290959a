//go:build js && wasm

package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"murmur/backend/browserdb"
)

// The tests' access to the data folder in the browser: a folder in a
// browser database of the test's own, deleted when the test ends. The
// folder's first path element names the database.

func testDir(t *testing.T) string {
	t.Helper()
	name := "store " + strings.ReplaceAll(t.Name(), "/", "~")
	t.Cleanup(func() {
		if err := browserdb.DeleteDatabase(context.Background(), name); err != nil {
			t.Errorf("delete the test database: %v", err)
		}
	})
	var b [4]byte
	rand.Read(b[:])
	return "/" + name + "/" + hex.EncodeToString(b[:])
}

// lockedText is what a second Open of a folder in use says.
const lockedText = "Murmur is open in another tab of this browser"

// testDB opens (a connection to) the database path is in.
func testDB(t *testing.T, path string) *browserdb.DB {
	t.Helper()
	name := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
	db, err := browserdb.Open(context.Background(), name)
	if err != nil {
		t.Fatalf("open the test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// platformOpts are the options a store in dir needs here: its database.
func platformOpts(t *testing.T, dir string) []Option {
	return []Option{WithBrowserDB(testDB(t, dir))}
}

// testFS is the file system path lives in (another connection to its
// database: as another tab would see it, without the store's lock).
func testFS(t *testing.T, path string) fsys { return newIDBFS(testDB(t, path)) }

func setMtime(t *testing.T, path string, mtime time.Time) {
	t.Helper()
	if err := newIDBFS(testDB(t, path)).Chtimes(path, mtime); err != nil {
		t.Fatal(err)
	}
}

// dropIndex deletes the index of the store in dir (closed): the next Open rebuilds it.
func dropIndex(t *testing.T, dir string) {
	t.Helper()
	f := newIDBFS(testDB(t, dir))
	err := f.update([]string{catalogStore, textsStore}, func(tx *browserdb.Tx) error {
		prefix := dir + "/" + convDirName + "/"
		if err := tx.Delete(catalogStore, "index:"+prefix); err != nil {
			return err
		}
		if err := tx.DeletePrefix(catalogStore, prefix); err != nil {
			return err
		}
		return tx.DeletePrefix(textsStore, prefix)
	})
	if err != nil {
		t.Fatal(err)
	}
}
