//go:build js && wasm

// Package jspromise bridges Go and JavaScript promises for the browser
// build. Blocking inside a js.FuncOf callback deadlocks Go's WebAssembly
// runtime, so a promise is awaited from a goroutine (Await) and a Go call
// the page makes runs in a goroutine that settles a promise (New).
package jspromise

import (
	"context"
	"syscall/js"
)

// Await waits for p to settle. When ctx ends first, cancel (if not nil) is
// called and Await still waits for p to settle — cancel must make it settle
// (an AbortController's abort does) — then returns ctx.Err(); a nil cancel
// returns at once and p's outcome is dropped.
func Await(ctx context.Context, p js.Value, cancel func()) (js.Value, error) {
	type settled struct {
		v   js.Value
		err error
	}
	done := make(chan settled, 1)
	onValue := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{v: first(args)}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- settled{err: Error{first(args)}}
		return nil
	})
	release := func() { onValue.Release(); onError.Release() }
	p.Call("then", onValue, onError)
	select {
	case s := <-done:
		release()
		return s.v, s.err
	case <-ctx.Done():
		if cancel == nil {
			// The callbacks stay until p settles, then go.
			go func() { <-done; release() }()
			return js.Undefined(), ctx.Err()
		}
		cancel()
		s := <-done
		release()
		if s.err == nil {
			return s.v, nil
		}
		return js.Undefined(), ctx.Err()
	}
}

// New returns a promise settled by run, which runs in its own goroutine:
// resolved with its value, or rejected with the value reject gives its error.
func New(run func() (any, error), reject func(error) any) js.Value {
	executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolveFn, rejectFn := args[0], args[1]
		go func() {
			v, err := run()
			if err != nil {
				rejectFn.Invoke(reject(err))
				return
			}
			resolveFn.Invoke(v)
		}()
		return nil
	})
	defer executor.Release() // the executor runs inside the constructor
	return js.Global().Get("Promise").New(executor)
}

// Error is a rejection: a DOMException, a TypeError or any value.
type Error struct{ Value js.Value }

func (e Error) Error() string {
	v := e.Value
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString && m.String() != "" {
			return m.String()
		}
	}
	if v.Type() == js.TypeUndefined || v.Type() == js.TypeNull {
		return "rejected"
	}
	return v.Call("toString").String()
}

// Name is the rejection's error name ("AbortError", "QuotaExceededError",
// "TypeError", …), or "".
func (e Error) Name() string {
	if e.Value.Type() == js.TypeObject {
		if n := e.Value.Get("name"); n.Type() == js.TypeString {
			return n.String()
		}
	}
	return ""
}

func first(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}
