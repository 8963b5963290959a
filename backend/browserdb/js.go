//go:build js && wasm

package browserdb

import (
	"context"
	"syscall/js"
)

// settled is the outcome of a Promise.
type settled struct {
	value js.Value
	err   js.Value
	ok    bool
}

// await waits for promise to settle. It must run in a goroutine of its own
// (never inside a js.FuncOf callback). On cancellation it returns ctx.Err()
// at once; the callbacks stay until the promise settles.
func await(ctx context.Context, op string, promise js.Value) (js.Value, error) {
	ch := make(chan settled, 1)
	var then, fail js.Func
	release := func() { then.Release(); fail.Release() }
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{value: arg(args), ok: true}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{err: arg(args)}
		return nil
	})
	if err := catch(op, func() { promise.Call("then", then, fail) }); err != nil {
		release()
		return js.Undefined(), err
	}
	select {
	case s := <-ch:
		release()
		if !s.ok {
			return js.Undefined(), domError(op, s.err)
		}
		return s.value, nil
	case <-ctx.Done():
		go func() { <-ch; release() }()
		return js.Undefined(), ctx.Err()
	}
}

func arg(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// toJS copies b into a new Uint8Array.
func toJS(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	if len(b) > 0 {
		js.CopyBytesToJS(a, b)
	}
	return a
}

// fromJS copies a Uint8Array (as stored by toJS) into Go memory.
func fromJS(v js.Value) ([]byte, bool) {
	if v.Type() != js.TypeObject || !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil, false
	}
	b := make([]byte, v.Get("byteLength").Int())
	if len(b) > 0 {
		js.CopyBytesToGo(b, v)
	}
	return b, true
}
