//go:build js && wasm

package browserdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"unicode/utf8"
)

// DB is an open IndexedDB database. It is safe for concurrent use. When
// another tab upgrades the database (adds object stores), this connection
// steps aside and the next call reopens it.
type DB struct {
	name string

	mu     sync.Mutex // serialises (re)opening; never taken inside a callback
	want   []string   // object stores asked for, made on every (re)open
	closed bool
	cur    atomic.Pointer[conn]
	all    []*conn // every connection made, their callbacks released at Close
}

// conn is one IDBDatabase connection.
type conn struct {
	idb    js.Value
	stores map[string]bool
	// gone is set (from the browser's callbacks) when the connection was
	// closed because another tab upgraded the database, or by the browser.
	gone                    atomic.Bool
	onVersionChange, onLost js.Func
}

// Open opens (creating if needed) the database name with at least the given
// object stores, adding those it lacks.
func Open(ctx context.Context, name string, stores ...string) (*DB, error) {
	if name == "" {
		return nil, errors.New("open the browser database: no name given")
	}
	if !utf8.ValidString(name) {
		return nil, fmt.Errorf("open the browser database %q: the name is not valid UTF-8", name)
	}
	for _, s := range stores {
		if s == "" || !utf8.ValidString(s) {
			return nil, fmt.Errorf("open the browser database %s: object store name %q is not valid", name, s)
		}
	}
	if factory().IsUndefined() {
		return nil, fmt.Errorf("open the browser database %s: IndexedDB is %w (a private window may switch it off)", name, ErrUnsupported)
	}
	db := &DB{name: name, want: append([]string(nil), stores...)}
	if _, err := db.conn(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

func factory() js.Value { return js.Global().Get("indexedDB") }

// Name returns the database's name.
func (db *DB) Name() string { return db.name }

// Ensure adds the object stores the database lacks (upgrading its version,
// which makes other tabs' connections reopen).
func (db *DB) Ensure(ctx context.Context, stores ...string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return fmt.Errorf("prepare the browser database %s: %w", db.name, ErrClosed)
	}
	c := db.cur.Load()
	missing := false
	for _, s := range stores {
		if !contains(db.want, s) {
			db.want = append(db.want, s)
		}
		if c == nil || !c.stores[s] {
			missing = true
		}
	}
	if !missing && !c.gone.Load() {
		return nil
	}
	if c != nil {
		c.close()
		db.cur.Store(nil)
	}
	_, err := db.openLocked(ctx)
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// conn returns the open connection, opening it again if it went away.
func (db *DB) conn(ctx context.Context) (*conn, error) {
	if c := db.cur.Load(); c != nil && !c.gone.Load() {
		return c, nil
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil, fmt.Errorf("browser database %s: %w", db.name, ErrClosed)
	}
	if c := db.cur.Load(); c != nil && !c.gone.Load() {
		return c, nil
	}
	return db.openLocked(ctx)
}

// openLocked opens a connection holding every wanted object store: it opens
// the current version and, if stores are missing, upgrades by one.
func (db *DB) openLocked(ctx context.Context) (*conn, error) {
	op := "open the browser database " + db.name
	for attempt := 0; attempt < 5; attempt++ {
		c, err := db.openVersion(ctx, op, 0)
		if err != nil {
			return nil, err
		}
		var missing []string
		for _, s := range db.want {
			if !c.stores[s] {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			db.cur.Store(c)
			return c, nil
		}
		version := c.idb.Get("version").Int()
		c.close()
		c, err = db.openVersion(ctx, op, version+1)
		if IsName(err, "VersionError") {
			continue // another tab upgraded it meanwhile: look again
		}
		if err != nil {
			return nil, err
		}
		db.cur.Store(c)
		return c, nil
	}
	return nil, fmt.Errorf("%s: other tabs keep changing its version; reload the page", op)
}

// openVersion opens the database at version (0: whatever it is, creating
// it with the wanted stores), creating the wanted stores it lacks.
func (db *DB) openVersion(ctx context.Context, op string, version int) (*conn, error) {
	var req js.Value
	err := catch(op, func() {
		if version == 0 {
			req = factory().Call("open", db.name)
		} else {
			req = factory().Call("open", db.name, version)
		}
	})
	if err != nil {
		return nil, err
	}
	want := db.want
	upgrade := func(ev js.Value) error {
		idb := req.Get("result")
		names := idb.Get("objectStoreNames")
		for _, s := range want {
			if !names.Call("contains", s).Bool() {
				if err := catch(op, func() { idb.Call("createObjectStore", s) }); err != nil {
					return err
				}
			}
		}
		return nil
	}
	v, err := waitOpen(ctx, op, req, upgrade)
	if err != nil {
		return nil, err
	}
	c := &conn{idb: v, stores: map[string]bool{}}
	names := v.Get("objectStoreNames")
	for i, n := 0, names.Length(); i < n; i++ {
		c.stores[names.Index(i).String()] = true
	}
	c.onVersionChange = js.FuncOf(func(js.Value, []js.Value) any {
		// Another tab wants to upgrade: step aside; the next call reopens.
		c.gone.Store(true)
		c.idb.Call("close")
		return nil
	})
	c.onLost = js.FuncOf(func(js.Value, []js.Value) any {
		c.gone.Store(true)
		return nil
	})
	v.Set("onversionchange", c.onVersionChange)
	v.Set("onclose", c.onLost)
	db.all = append(db.all, c)
	return c, nil
}

func (c *conn) close() {
	c.gone.Store(true)
	c.idb.Call("close")
}

// waitOpen waits for an open or delete request. upgrade runs inside the
// upgradeneeded event (it must not block).
func waitOpen(ctx context.Context, op string, req js.Value, upgrade func(js.Value) error) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	ch := make(chan outcome, 2)
	var blocked atomic.Bool
	var upgradeErr error
	funcs := []js.Func{
		js.FuncOf(func(js.Value, []js.Value) any {
			if upgradeErr != nil {
				req.Get("result").Call("close")
				ch <- outcome{err: upgradeErr}
				return nil
			}
			ch <- outcome{v: req.Get("result")}
			return nil
		}),
		js.FuncOf(func(_ js.Value, args []js.Value) any {
			err := upgradeErr
			if err == nil {
				err = domError(op, req.Get("error"))
			}
			ch <- outcome{err: err}
			return nil
		}),
		js.FuncOf(func(js.Value, []js.Value) any {
			blocked.Store(true)
			return nil
		}),
		js.FuncOf(func(_ js.Value, args []js.Value) any {
			if upgrade != nil {
				if err := upgrade(arg(args)); err != nil {
					upgradeErr = err
					req.Get("transaction").Call("abort")
				}
			}
			return nil
		}),
	}
	req.Set("onsuccess", funcs[0])
	req.Set("onerror", funcs[1])
	req.Set("onblocked", funcs[2])
	if upgrade != nil {
		req.Set("onupgradeneeded", funcs[3])
	}
	release := func() {
		for _, f := range funcs {
			f.Release()
		}
	}
	select {
	case o := <-ch:
		release()
		return o.v, o.err
	case <-ctx.Done():
		go func() {
			// Close what opens after all, then let the callbacks go.
			if o := <-ch; o.err == nil && o.v.Type() == js.TypeObject && !o.v.Get("close").IsUndefined() {
				o.v.Call("close")
			}
			release()
		}()
		if blocked.Load() {
			return js.Undefined(), fmt.Errorf("%s: another tab of this browser keeps it open with an older version; close or reload that tab: %w", op, ctx.Err())
		}
		return js.Undefined(), fmt.Errorf("%s: %w", op, ctx.Err())
	}
}

// Close closes the database. Calls after Close return ErrClosed.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	if c := db.cur.Load(); c != nil {
		c.close()
	}
	db.cur.Store(nil)
	for _, c := range db.all {
		c.idb.Set("onversionchange", js.Null())
		c.idb.Set("onclose", js.Null())
		c.onVersionChange.Release()
		c.onLost.Release()
	}
	db.all = nil
	return nil
}

// DeleteDatabase deletes the database name and everything in it. Open
// connections (other tabs') are asked to close first.
func DeleteDatabase(ctx context.Context, name string) error {
	op := "delete the browser database " + name
	if factory().IsUndefined() {
		return fmt.Errorf("%s: IndexedDB is %w", op, ErrUnsupported)
	}
	var req js.Value
	if err := catch(op, func() { req = factory().Call("deleteDatabase", name) }); err != nil {
		return err
	}
	_, err := waitOpen(ctx, op, req, nil)
	return err
}

// checkKey refuses keys that would not round-trip or would escape a prefix range.
func checkKey(op, key string) error {
	if !utf8.ValidString(key) {
		return fmt.Errorf("%s: key %q is not valid UTF-8", op, key)
	}
	if strings.ContainsRune(key, '\uffff') {
		return fmt.Errorf("%s: key %q contains U+FFFF", op, key)
	}
	return nil
}
