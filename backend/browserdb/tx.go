//go:build js && wasm

package browserdb

import (
	"context"
	"fmt"
	"strings"
	"syscall/js"
)

// Tx is one IndexedDB transaction, valid only while the function given to
// Update or View runs. It is not for concurrent use.
type Tx struct {
	op       string
	ctx      context.Context
	tx       js.Value
	writable bool
	// results gets every finished request's event target in the order the
	// requests were made (IndexedDB completes them in order).
	results  chan js.Value
	onResult js.Func
	end      chan js.Value // the complete or abort event
	onEnd    js.Func
	ended    bool
	endEvent js.Value
	failed   error // the first request that failed
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
	if ferr == nil && t.failed != nil {
		ferr = t.failed
	}
	if ferr != nil {
		if !t.ended {
			_ = catch(op, func() { t.tx.Call("abort") })
		}
		t.waitEnd()
		return ferr
	}
	if !t.ended {
		select {
		case ev := <-t.end:
			t.ended, t.endEvent = true, ev
		case <-ctx.Done():
			_ = catch(op, func() { t.tx.Call("abort") })
			t.waitEnd()
			if t.endEvent.Get("type").String() == "complete" {
				return nil // it was done already
			}
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
	}
	if typ := t.endEvent.Get("type").String(); typ != "complete" {
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
		t := &Tx{op: op, ctx: ctx, tx: tx, writable: writable, results: make(chan js.Value, 8), end: make(chan js.Value, 1)}
		t.onResult = js.FuncOf(func(this js.Value, args []js.Value) any {
			ev := arg(args)
			if ev.Get("type").String() == "error" {
				// Keep the error for the caller; the transaction aborts.
				ev.Call("stopPropagation")
			}
			t.results <- ev.Get("target")
			return nil
		})
		t.onEnd = js.FuncOf(func(this js.Value, args []js.Value) any {
			t.end <- arg(args)
			return nil
		})
		tx.Set("oncomplete", t.onEnd)
		tx.Set("onabort", t.onEnd)
		return t, nil
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
	t.onEnd.Release()
}

// request makes one request with make and waits for its result.
func (t *Tx) request(op string, make func() js.Value) (js.Value, error) {
	reqs, err := t.requests(op, make)
	if err != nil {
		return js.Undefined(), err
	}
	return reqs[0], nil
}

// requests makes the requests in order, then waits for all their results.
func (t *Tx) requests(op string, makers ...func() js.Value) ([]js.Value, error) {
	if t.failed != nil {
		return nil, t.failed
	}
	if t.ended {
		return nil, fmt.Errorf("%s: the transaction is over (it was used after waiting on something else)", op)
	}
	if len(makers) > cap(t.results) {
		return nil, fmt.Errorf("%s: too many requests at once", op)
	}
	for _, mk := range makers {
		var req js.Value
		if err := catch(op, func() {
			req = mk()
			req.Set("onsuccess", t.onResult)
			req.Set("onerror", t.onResult)
		}); err != nil {
			t.failed = err
			return nil, err
		}
	}
	out := make([]js.Value, 0, len(makers))
	for range makers {
		select {
		case target := <-t.results:
			if e := target.Get("error"); !e.IsNull() && !e.IsUndefined() {
				t.failed = domError(op, e)
				return nil, t.failed
			}
			out = append(out, target.Get("result"))
		case ev := <-t.end:
			t.ended, t.endEvent = true, ev
			err := domError(op, t.tx.Get("error"))
			if t.tx.Get("error").IsNull() {
				err = fmt.Errorf("%s: the transaction ended before the request finished", op)
			}
			t.failed = err
			return nil, err
		}
	}
	return out, nil
}

func (t *Tx) store(name string) js.Value { return t.tx.Call("objectStore", name) }

// Get returns the value under key in store; ErrNotFound when there is none.
func (t *Tx) Get(store, key string) ([]byte, error) {
	op := fmt.Sprintf("%s: get %s in %s", t.op, key, store)
	if err := checkKey(op, key); err != nil {
		return nil, err
	}
	v, err := t.request(op, func() js.Value { return t.store(store).Call("get", key) })
	if err != nil {
		return nil, err
	}
	if v.IsUndefined() {
		return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	b, ok := fromJS(v)
	if !ok {
		return nil, fmt.Errorf("%s: the value is not bytes", op)
	}
	return b, nil
}

// GetMany returns the values under keys in store, nil where there is none,
// asking for all of them at once.
func (t *Tx) GetMany(store string, keys []string) ([][]byte, error) {
	op := fmt.Sprintf("%s: get %d values in %s", t.op, len(keys), store)
	out := make([][]byte, len(keys))
	for from := 0; from < len(keys); from += cap(t.results) {
		chunk := keys[from:min(len(keys), from+cap(t.results))]
		makers := make([]func() js.Value, len(chunk))
		for i, k := range chunk {
			if err := checkKey(op, k); err != nil {
				return nil, err
			}
			makers[i] = func() js.Value { return t.store(store).Call("get", k) }
		}
		vs, err := t.requests(op, makers...)
		if err != nil {
			return nil, err
		}
		for i, v := range vs {
			if v.IsUndefined() {
				continue
			}
			b, ok := fromJS(v)
			if !ok {
				return nil, fmt.Errorf("%s: the value of %s is not bytes", op, chunk[i])
			}
			out[from+i] = b
		}
	}
	return out, nil
}

// Put stores value under key in store, replacing what was there.
func (t *Tx) Put(store, key string, value []byte) error {
	op := fmt.Sprintf("%s: put %s in %s", t.op, key, store)
	if err := checkKey(op, key); err != nil {
		return err
	}
	if !t.writable {
		return fmt.Errorf("%s: the transaction is read-only", op)
	}
	_, err := t.request(op, func() js.Value { return t.store(store).Call("put", toJS(value), key) })
	return err
}

// Delete removes key from store; deleting a missing key is not an error.
func (t *Tx) Delete(store, key string) error {
	op := fmt.Sprintf("%s: delete %s in %s", t.op, key, store)
	if err := checkKey(op, key); err != nil {
		return err
	}
	if !t.writable {
		return fmt.Errorf("%s: the transaction is read-only", op)
	}
	_, err := t.request(op, func() js.Value { return t.store(store).Call("delete", key) })
	return err
}

// DeletePrefix removes every key of store that starts with prefix.
func (t *Tx) DeletePrefix(store, prefix string) error {
	op := fmt.Sprintf("%s: delete %s… in %s", t.op, prefix, store)
	if err := checkKey(op, prefix); err != nil {
		return err
	}
	if !t.writable {
		return fmt.Errorf("%s: the transaction is read-only", op)
	}
	_, err := t.request(op, func() js.Value { return t.store(store).Call("delete", prefixRange(prefix)) })
	return err
}

// prefixRange is the key range of the keys starting with prefix (every key
// is below prefix+U+FFFF, as checkKey refuses U+FFFF).
func prefixRange(prefix string) js.Value {
	kr := js.Global().Get("IDBKeyRange")
	if prefix == "" {
		return js.Undefined()
	}
	return kr.Call("bound", prefix, prefix+"\uffff", false, false)
}

// Count returns how many keys of store start with prefix.
func (t *Tx) Count(store, prefix string) (int, error) {
	op := fmt.Sprintf("%s: count %s… in %s", t.op, prefix, store)
	if err := checkKey(op, prefix); err != nil {
		return 0, err
	}
	v, err := t.request(op, func() js.Value { return t.store(store).Call("count", prefixRange(prefix)) })
	if err != nil {
		return 0, err
	}
	return v.Int(), nil
}

// Keys returns the keys of store that start with prefix, sorted (in
// JavaScript's order: by UTF-16 code unit).
func (t *Tx) Keys(store, prefix string) ([]string, error) {
	op := fmt.Sprintf("%s: list %s… in %s", t.op, prefix, store)
	if err := checkKey(op, prefix); err != nil {
		return nil, err
	}
	v, err := t.request(op, func() js.Value { return t.store(store).Call("getAllKeys", prefixRange(prefix)) })
	if err != nil {
		return nil, err
	}
	keys := make([]string, v.Length())
	for i := range keys {
		keys[i] = v.Index(i).String()
	}
	return keys, nil
}

// List returns the entries of store whose keys start with prefix, sorted by key.
func (t *Tx) List(store, prefix string) ([]Entry, error) {
	op := fmt.Sprintf("%s: list %s… in %s", t.op, prefix, store)
	if err := checkKey(op, prefix); err != nil {
		return nil, err
	}
	r := prefixRange(prefix)
	vs, err := t.requests(op,
		func() js.Value { return t.store(store).Call("getAllKeys", r) },
		func() js.Value { return t.store(store).Call("getAll", r) })
	if err != nil {
		return nil, err
	}
	keys, vals := vs[0], vs[1]
	n := keys.Length()
	if vals.Length() != n {
		return nil, fmt.Errorf("%s: %d keys but %d values", op, n, vals.Length())
	}
	out := make([]Entry, n)
	for i := range out {
		out[i].Key = keys.Index(i).String()
		b, ok := fromJS(vals.Index(i))
		if !ok {
			return nil, fmt.Errorf("%s: the value of %s is not bytes", op, out[i].Key)
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
