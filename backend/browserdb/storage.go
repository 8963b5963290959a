//go:build js && wasm

package browserdb

import (
	"context"
	"fmt"
	"syscall/js"
)

// Storage is what the browser says about this site's storage.
type Storage struct {
	// Persisted: the browser will not evict this site's data on its own
	// when the disk runs low (navigator.storage.persisted()).
	Persisted bool
	// Usage and Quota in bytes (navigator.storage.estimate()); the browser
	// rounds them and may pad Usage, so treat them as an estimate.
	Usage, Quota int64
}

func storageManager() js.Value {
	nav := js.Global().Get("navigator")
	if nav.IsUndefined() {
		return js.Undefined()
	}
	return nav.Get("storage")
}

// Persist asks the browser to keep this site's data even when the disk runs
// low (navigator.storage.persist()) and returns its answer. Browsers answer
// without asking the user (Chromium decides by how the site is used) or show
// a prompt (Firefox). It is only available on a page, not in a Worker: call
// it from the page and pass the answer on.
func Persist(ctx context.Context) (bool, error) {
	const op = "ask the browser to keep this site's data"
	sm := storageManager()
	if sm.IsUndefined() || sm.Get("persist").IsUndefined() {
		return false, fmt.Errorf("%s: navigator.storage.persist is %w (it exists on pages, not in Workers)", op, ErrUnsupported)
	}
	var p js.Value
	if err := catch(op, func() { p = sm.Call("persist") }); err != nil {
		return false, err
	}
	v, err := await(ctx, op, p)
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}

// Estimate returns whether the site's data is persisted and how much of the
// quota it uses. It works on pages and in Workers.
func Estimate(ctx context.Context) (Storage, error) {
	const op = "read how much storage this site uses"
	sm := storageManager()
	if sm.IsUndefined() || sm.Get("estimate").IsUndefined() {
		return Storage{}, fmt.Errorf("%s: navigator.storage is %w (it needs a secure context: https or localhost)", op, ErrUnsupported)
	}
	var st Storage
	if !sm.Get("persisted").IsUndefined() {
		var p js.Value
		if err := catch(op, func() { p = sm.Call("persisted") }); err != nil {
			return Storage{}, err
		}
		v, err := await(ctx, op, p)
		if err != nil {
			return Storage{}, err
		}
		st.Persisted = v.Truthy()
	}
	var p js.Value
	if err := catch(op, func() { p = sm.Call("estimate") }); err != nil {
		return Storage{}, err
	}
	v, err := await(ctx, op, p)
	if err != nil {
		return Storage{}, err
	}
	st.Usage = int64(number(v.Get("usage")))
	st.Quota = int64(number(v.Get("quota")))
	return st, nil
}

func number(v js.Value) float64 {
	if v.Type() != js.TypeNumber {
		return 0
	}
	return v.Float()
}
