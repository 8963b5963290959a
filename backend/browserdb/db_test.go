//go:build js && wasm

package browserdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// openTest opens a database of its own for the test, deleted afterwards.
func openTest(t *testing.T, stores ...string) *DB {
	t.Helper()
	name := "test-" + strings.ReplaceAll(t.Name(), "/", "-")
	ctx := context.Background()
	if err := DeleteDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, name, stores...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		if err := DeleteDatabase(context.Background(), name); err != nil {
			t.Errorf("delete the test database: %v", err)
		}
	})
	return db
}

func TestPutGetDeleteList(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "kv")
	if _, err := db.Get(ctx, "kv", "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing key: %v, want ErrNotFound", err)
	}
	for _, k := range []string{"a/1", "a/2", "a/10", "b/1", "a"} {
		if err := db.Put(ctx, "kv", k, []byte("value of "+k)); err != nil {
			t.Fatalf("Put %s: %v", k, err)
		}
	}
	if err := db.Put(ctx, "kv", "empty", nil); err != nil {
		t.Fatal(err)
	}
	if b, err := db.Get(ctx, "kv", "empty"); err != nil || len(b) != 0 {
		t.Errorf("Get(empty) = %q, %v", b, err)
	}
	b, err := db.Get(ctx, "kv", "a/2")
	if err != nil || string(b) != "value of a/2" {
		t.Errorf("Get(a/2) = %q, %v", b, err)
	}
	es, err := db.List(ctx, "kv", "a/")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Key+"="+string(e.Value))
	}
	if want := "a/1=value of a/1 a/10=value of a/10 a/2=value of a/2"; strings.Join(got, " ") != want {
		t.Errorf("List(a/) = %v, want %s", got, want)
	}
	keys, err := db.Keys(ctx, "kv", "")
	if err != nil || len(keys) != 6 {
		t.Errorf("Keys() = %v, %v; want all 6", keys, err)
	}
	if err := db.Delete(ctx, "kv", "a/1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, "kv", "a/1"); err != nil {
		t.Errorf("second Delete: %v, want nil", err)
	}
	if err := db.Update(ctx, []string{"kv"}, func(tx *Tx) error { return tx.DeletePrefix("kv", "a/") }); err != nil {
		t.Fatal(err)
	}
	keys, _ = db.Keys(ctx, "kv", "")
	if fmt.Sprint(keys) != "[a b/1 empty]" {
		t.Errorf("after DeletePrefix(a/): %v", keys)
	}
}

func TestUpdateReadsThenWritesInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "kv", "other")
	if err := db.Put(ctx, "kv", "n", []byte("0")); err != nil {
		t.Fatal(err)
	}
	// Many read-modify-write transactions at once: none may lose an update.
	const workers, rounds = 4, 10
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < rounds; i++ {
				err := db.Update(ctx, []string{"kv", "other"}, func(tx *Tx) error {
					b, err := tx.Get("kv", "n")
					if err != nil {
						return err
					}
					var n int
					fmt.Sscan(string(b), &n)
					if err := tx.Put("other", fmt.Sprint("seen-", n), b); err != nil {
						return err
					}
					return tx.Put("kv", "n", []byte(fmt.Sprint(n+1)))
				})
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	b, _ := db.Get(ctx, "kv", "n")
	if string(b) != fmt.Sprint(workers*rounds) {
		t.Errorf("counter = %s, want %d", b, workers*rounds)
	}
	seen, _ := db.Keys(ctx, "other", "seen-")
	if len(seen) != workers*rounds {
		t.Errorf("%d distinct values seen, want %d", len(seen), workers*rounds)
	}
}

func TestUpdateErrorKeepsNothing(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, "kv")
	if err := db.Put(ctx, "kv", "keep", []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.Update(ctx, []string{"kv"}, func(tx *Tx) error {
		if err := tx.Put("kv", "keep", []byte("new")); err != nil {
			return err
		}
		if err := tx.Put("kv", "added", []byte("x")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the function's error", err)
	}
	if b, _ := db.Get(ctx, "kv", "keep"); string(b) != "old" {
		t.Errorf("keep = %q after the failed update, want old", b)
	}
	if _, err := db.Get(ctx, "kv", "added"); !errors.Is(err, ErrNotFound) {
		t.Errorf("added exists after the failed update: %v", err)
	}
}
