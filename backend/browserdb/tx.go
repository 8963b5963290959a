//go:build js && wasm

package browserdb

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall/js"
)

// maxPending is how many reads a Tx makes before it waits for their
// results (GetMany asks for that many keys at once).
const maxPending = 64

// Tx is one IndexedDB transaction, valid only while the function given to
// Update or View runs. It is not for concurrent use.
//
// Reads wait for their results. Writes (Put, Delete, DeletePrefix) do not:
// they are sent at once, one after the other, and the first that fails is
// reported by the next call and by Update, whose transaction it aborts.
type Tx struct {
	op       string
	tx       js.Value
	writable bool
	stores   map[string]js.Value // the object stores asked for so far
	u8       js.Value            // Uint8Array

	// results gets every finished read's event target in the order the
	// reads were made (IndexedDB completes requests in order).
	results  chan js.Value
	onResult js.Func
	// onError keeps the first failed write: its error event reaches the
	// transaction (reads stop theirs on the way).
	onError  js.Func
	end      chan js.Value // the complete or abort event
	onEnd    js.Func
	ended    bool
	endEvent js.Value

	mu     sync.Mutex // guards failed: a callback sets it too
	failed error      // the first request that failed
}

// Entry is one key and its value.
type Entry struct {
	Key   string
	Value []byte
}

// Update runs fn in one read-write transaction over the named object stores:
// everything fn puts and deletes is kept, or none of it is. When fn returns
// an error the transaction is aborted and Update returns that error.
func (db *DB) Update(ctx context.Context, stores []string, fn func(*Tx) error) error {
	return db.run(ctx, "save to "+db.name, stores, true, fn)
}

// View runs fn in one read-only transaction: it sees one consistent state.
func (db *DB) View(ctx context.Context, stores []string, fn func(*Tx) error) error {
	return db.run(ctx, "read from "+db.name, stores, false, fn)
}

func (db *DB) run(ctx context.Context, op string, stores []string, writable bool, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	t, err := db.begin(ctx, op, stores, writable)
	if err != nil {
		return err
	}
	defer t.release()
	ferr := fn(t)
	if ferr == nil {
		ferr = t.failure()
	}
	if ferr != nil {
		t.abort()
		t.waitEnd()
		return ferr
	}
	if !t.ended {
		select {
		case ev := <-t.end:
			t.ended, t.endEvent = true, ev
		case <-ctx.Done():
			t.abort()
			t.waitEnd()
			if t.endEvent.Get("type").String() == "complete" {
				return nil // it was done already
			}
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
	}
	if typ := t.endEvent.Get("type").String(); typ != "complete" {
		if err := t.failure(); err != nil {
			return err
		}
		return domError(op, t.tx.Get("error"))
	}
	return nil
}

// begin opens a transaction, reopening the connection once if another tab
// made it go away.
func (db *DB) begin(ctx context.Context, op string, stores []string, writable bool) (*Tx, error) {
	mode := "readonly"
	if writable {
		mode = "readwrite"
	}
	names := make([]any, len(stores))
	for i, s := range stores {
		names[i] = s
	}
	for attempt := 0; ; attempt++ {
		c, err := db.conn(ctx)
		if err != nil {
			return nil, err
		}
		var tx js.Value
		err = catch(op, func() { tx = c.idb.Call("transaction", names, mode) })
		if err != nil {
			if attempt == 0 && IsName(err, "InvalidStateError") {
				c.gone.Store(true) // closing: open again
				continue
			}
			if IsName(err, "NotFoundError") {
				return nil, fmt.Errorf("%s: no object store among %s: %w", op, strings.Join(stores, ", "), err)
			}
			return nil, err
		}
		t := &Tx{op: op, tx: tx, writable: writable, stores: make(map[string]js.Value, len(stores)),
			u8: js.Global().Get("Uint8Array"), results: make(chan js.Value, maxPending), end: make(chan js.Value, 1)}
		t.onResult = js.FuncOf(func(this js.Value, args []js.Value) any {
			ev := arg(args)
			if ev.Get("type").String() == "error" {
				// Kept by the read that waits for it; the transaction aborts.
				ev.Call("stopPropagation")
			}
			t.results <- ev.Get("target")
			return nil
		})
		t.onError = js.FuncOf(func(this js.Value, args []js.Value) any {
			if target := arg(args).Get("target"); target.Type() == js.TypeObject {
				t.fail(domError(op, target.Get("error")))
			}
			return nil
		})
		t.onEnd = js.FuncOf(func(this js.Value, args []js.Value) any {
			t.end <- arg(args)
			return nil
		})
		tx.Set("onerror", t.onError)
		tx.Set("oncomplete", t.onEnd)
		tx.Set("onabort", t.onEnd)
		return t, nil
	}
}

func (t *Tx) fail(err error) {
	t.mu.Lock()
	if t.failed == nil {
		t.failed = err
	}
	t.mu.Unlock()
}

func (t *Tx) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *Tx) abort() {
	if !t.ended {
		_ = catch(t.op, func() { t.tx.Call("abort") })
	}
}

func (t *Tx) waitEnd() {
	if t.ended {
		return
	}
	t.endEvent = <-t.end
	t.ended = true
}

func (t *Tx) release() {
	t.waitEnd()
	t.onResult.Release()
	t.onError.Release()
	t.onEnd.Release()
}

// store returns the object store name of the transaction.
func (t *Tx) store(name string) js.Value {
	s, ok := t.stores[name]
	if !ok {
		s = t.tx.Call("objectStore", name)
		t.stores[name] = s
	}
	return s
}

// usable reports why the transaction can take no more requests, if so.
func (t *Tx) usable(op func() string) error {
	if err := t.failure(); err != nil {
		return err
	}
	if t.ended {
		return fmt.Errorf("%s: the transaction is over (it was used after waiting on something else)", op())
	}
	return nil
}

// reads makes the read requests in order, then waits for all their results.
func (t *Tx) reads(op func() string, makers ...func() js.Value) ([]js.Value, error) {
	if err := t.usable(op); err != nil {
		return nil, err
	}
	if len(makers) > cap(t.results) {
		return nil, fmt.Errorf("%s: too many requests at once", op())
	}
	for _, mk := range makers {
		var req js.Value
		if err := catch(t.op, func() {
			req = mk()
			req.Set("onsuccess", t.onResult)
			req.Set("onerror", t.onResult)
		}); err != nil {
			err = fmt.Errorf("%s: %w", op(), err)
			t.fail(err)
			return nil, err
		}
	}
	out := make([]js.Value, 0, len(makers))
	for range makers {
		select {
		case target := <-t.results:
			if e := target.Get("error"); !e.IsNull() && !e.IsUndefined() {
				err := domError(op(), e)
				t.fail(err)
				return nil, err
			}
			out = append(out, target.Get("result"))
		case ev := <-t.end:
			t.ended, t.endEvent = true, ev
			if err := t.failure(); err != nil {
				return nil, err
			}
			err := domError(op(), t.tx.Get("error"))
			if t.tx.Get("error").IsNull() {
				err = fmt.Errorf("%s: the transaction ended before the request finished", op())
			}
			t.fail(err)
			return nil, err
		}
	}
	return out, nil
}

// write sends one write request without waiting for it.
func (t *Tx) write(op func() string, req func()) error {
	if err := t.usable(op); err != nil {
		return err
	}
	if !t.writable {
		return fmt.Errorf("%s: the transaction is read-only", op())
	}
	if err := catch(t.op, req); err != nil {
		err = fmt.Errorf("%s: %w", op(), err)
		t.fail(err)
		return err
	}
	return nil
}

// opf makes the description of a request, for its errors only.
func (t *Tx) opf(format string, a ...any) func() string {
	return func() string { return t.op + ": " + fmt.Sprintf(format, a...) }
}

// toJS copies b into a new Uint8Array.
func (t *Tx) toJS(b []byte) js.Value {
	a := t.u8.New(len(b))
	if len(b) > 0 {
		js.CopyBytesToJS(a, b)
	}
	return a
}

// fromJS copies a Uint8Array (as Put stores it) into Go memory.
func (t *Tx) fromJS(v js.Value) ([]byte, bool) {
	if v.Type() != js.TypeObject || !v.InstanceOf(t.u8) {
		return nil, false
	}
	b := make([]byte, v.Get("byteLength").Int())
	if len(b) > 0 {
		js.CopyBytesToGo(b, v)
	}
	return b, true
}

// Get returns the value under key in store; ErrNotFound when there is none.
func (t *Tx) Get(store, key string) ([]byte, error) {
	op := t.opf("get %s in %s", key, store)
	if err := checkKey(key); err != nil {
		return nil, fmt.Errorf("%s: %w", op(), err)
	}
	vs, err := t.reads(op, func() js.Value { return t.store(store).Call("get", key) })
	if err != nil {
		return nil, err
	}
	if vs[0].IsUndefined() {
		return nil, fmt.Errorf("%s: %w", op(), ErrNotFound)
	}
	b, ok := t.fromJS(vs[0])
	if !ok {
		return nil, fmt.Errorf("%s: the value is not bytes", op())
	}
	return b, nil
}

// GetMany returns the values under keys in store, nil where there is none,
// asking for many at once.
func (t *Tx) GetMany(store string, keys []string) ([][]byte, error) {
	op := t.opf("get %d values in %s", len(keys), store)
	out := make([][]byte, len(keys))
	for from := 0; from < len(keys); from += cap(t.results) {
		chunk := keys[from:min(len(keys), from+cap(t.results))]
		makers := make([]func() js.Value, len(chunk))
		for i, k := range chunk {
			if err := checkKey(k); err != nil {
				return nil, fmt.Errorf("%s: %w", op(), err)
			}
			makers[i] = func() js.Value { return t.store(store).Call("get", k) }
		}
		vs, err := t.reads(op, makers...)
		if err != nil {
			return nil, err
		}
		for i, v := range vs {
			if v.IsUndefined() {
				continue
			}
			b, ok := t.fromJS(v)
			if !ok {
				return nil, fmt.Errorf("%s: the value of %s is not bytes", op(), chunk[i])
			}
			out[from+i] = b
		}
	}
	return out, nil
}

// Put stores value under key in store, replacing what was there. It does
// not wait: a failure is reported by a later call and by Update.
func (t *Tx) Put(store, key string, value []byte) error {
	op := t.opf("put %s in %s", key, store)
	if err := checkKey(key); err != nil {
		return fmt.Errorf("%s: %w", op(), err)
	}
	return t.write(op, func() { t.store(store).Call("put", t.toJS(value), key) })
}

// Delete removes key from store; deleting a missing key is not an error.
// It does not wait, as Put.
func (t *Tx) Delete(store, key string) error {
	op := t.opf("delete %s in %s", key, store)
	if err := checkKey(key); err != nil {
		return fmt.Errorf("%s: %w", op(), err)
	}
	return t.write(op, func() { t.store(store).Call("delete", key) })
}

// DeletePrefix removes every key of store that starts with prefix. It does
// not wait, as Put.
func (t *Tx) DeletePrefix(store, prefix string) error {
	op := t.opf("delete %s… in %s", prefix, store)
	if err := checkKey(prefix); err != nil {
		return fmt.Errorf("%s: %w", op(), err)
	}
	return t.write(op, func() { t.store(store).Call("delete", prefixRange(prefix)) })
}

// prefixRange is the key range of the keys starting with prefix (every key
// is below prefix+U+FFFF, as checkKey refuses U+FFFF).
func prefixRange(prefix string) js.Value {
	if prefix == "" {
		return js.Undefined()
	}
	return js.Global().Get("IDBKeyRange").Call("bound", prefix, prefix+"\uffff", false, false)
}

// Count returns how many keys of store start with prefix.
func (t *Tx) Count(store, prefix string) (int, error) {
	op := t.opf("count %s… in %s", prefix, store)
	if err := checkKey(prefix); err != nil {
		return 0, fmt.Errorf("%s: %w", op(), err)
	}
	vs, err := t.reads(op, func() js.Value { return t.store(store).Call("count", prefixRange(prefix)) })
	if err != nil {
		return 0, err
	}
	return vs[0].Int(), nil
}

// Keys returns the keys of store that start with prefix, sorted (in
// JavaScript's order: by UTF-16 code unit).
func (t *Tx) Keys(store, prefix string) ([]string, error) {
	op := t.opf("list %s… in %s", prefix, store)
	if err := checkKey(prefix); err != nil {
		return nil, fmt.Errorf("%s: %w", op(), err)
	}
	vs, err := t.reads(op, func() js.Value { return t.store(store).Call("getAllKeys", prefixRange(prefix)) })
	if err != nil {
		return nil, err
	}
	keys := make([]string, vs[0].Length())
	for i := range keys {
		keys[i] = vs[0].Index(i).String()
	}
	return keys, nil
}

// List returns the entries of store whose keys start with prefix, sorted by key.
func (t *Tx) List(store, prefix string) ([]Entry, error) {
	return t.list(store, prefix, "", 0)
}

// ListPage returns at most limit entries of store whose keys start with
// prefix and come after after ("" for the first page), sorted by key: pass
// the last key of a page as after to get the next.
func (t *Tx) ListPage(store, prefix, after string, limit int) ([]Entry, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("%s: list %s… in %s: the page size must be positive", t.op, prefix, store)
	}
	return t.list(store, prefix, after, limit)
}

func (t *Tx) list(store, prefix, after string, limit int) ([]Entry, error) {
	op := t.opf("list %s… in %s", prefix, store)
	if err := checkKey(prefix); err != nil {
		return nil, fmt.Errorf("%s: %w", op(), err)
	}
	if err := checkKey(after); err != nil {
		return nil, fmt.Errorf("%s: %w", op(), err)
	}
	r := prefixRange(prefix)
	if after > prefix {
		r = js.Global().Get("IDBKeyRange").Call("bound", after, prefix+"\uffff", true, false)
	}
	var vs []js.Value
	var err error
	if limit > 0 {
		vs, err = t.reads(op,
			func() js.Value { return t.store(store).Call("getAllKeys", r, limit) },
			func() js.Value { return t.store(store).Call("getAll", r, limit) })
	} else {
		vs, err = t.reads(op,
			func() js.Value { return t.store(store).Call("getAllKeys", r) },
			func() js.Value { return t.store(store).Call("getAll", r) })
	}
	if err != nil {
		return nil, err
	}
	keys, vals := vs[0], vs[1]
	n := keys.Length()
	if vals.Length() != n {
		return nil, fmt.Errorf("%s: %d keys but %d values", op(), n, vals.Length())
	}
	out := make([]Entry, n)
	for i := range out {
		out[i].Key = keys.Index(i).String()
		b, ok := t.fromJS(vals.Index(i))
		if !ok {
			return nil, fmt.Errorf("%s: the value of %s is not bytes", op(), out[i].Key)
		}
		out[i].Value = b
	}
	return out, nil
}

// Get returns the value under key in store (one read-only transaction).
func (db *DB) Get(ctx context.Context, store, key string) ([]byte, error) {
	var b []byte
	err := db.View(ctx, []string{store}, func(t *Tx) (err error) {
		b, err = t.Get(store, key)
		return err
	})
	return b, err
}

// Put stores value under key in store (one transaction).
func (db *DB) Put(ctx context.Context, store, key string, value []byte) error {
	return db.Update(ctx, []string{store}, func(t *Tx) error { return t.Put(store, key, value) })
}

// Delete removes key from store (one transaction).
func (db *DB) Delete(ctx context.Context, store, key string) error {
	return db.Update(ctx, []string{store}, func(t *Tx) error { return t.Delete(store, key) })
}

// List returns the entries of store whose keys start with prefix.
func (db *DB) List(ctx context.Context, store, prefix string) ([]Entry, error) {
	var out []Entry
	err := db.View(ctx, []string{store}, func(t *Tx) (err error) {
		out, err = t.List(store, prefix)
		return err
	})
	return out, err
}

// Keys returns the keys of store that start with prefix.
func (db *DB) Keys(ctx context.Context, store, prefix string) ([]string, error) {
	var out []string
	err := db.View(ctx, []string{store}, func(t *Tx) (err error) {
		out, err = t.Keys(store, prefix)
		return err
	})
	return out, err
}
