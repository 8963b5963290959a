//go:build js && wasm

package browserdb

import (
	"context"
	"fmt"
	"sync"
	"syscall/js"
)

// Lock is a Web Lock (navigator.locks) held by this page or Worker until
// Release. Locks are shared by every tab and Worker of the site; the browser
// lets them go when the tab closes or crashes.
type Lock struct {
	name string
	lost chan struct{}

	mu       sync.Mutex
	resolve  js.Value // ends the promise that keeps the lock
	released bool
	done     chan struct{} // closed when the browser has let go of the lock
	funcs    []js.Func
}

// TryLock takes the lock name if no one holds it; ErrLockHeld otherwise.
func TryLock(ctx context.Context, name string) (*Lock, error) {
	return request(ctx, name, false)
}

// StealLock takes the lock name even when another tab holds it: that holder
// loses it at once (its Lost channel closes) and this one gets it.
func StealLock(ctx context.Context, name string) (*Lock, error) {
	return request(ctx, name, true)
}

func request(ctx context.Context, name string, steal bool) (*Lock, error) {
	op := fmt.Sprintf("take the lock %q", name)
	nav := js.Global().Get("navigator")
	if nav.IsUndefined() || nav.Get("locks").IsUndefined() {
		return nil, fmt.Errorf("%s: Web Locks are %w (they need a secure context: https or localhost)", op, ErrUnsupported)
	}
	l := &Lock{name: name, lost: make(chan struct{}), done: make(chan struct{})}
	type grant struct {
		held bool // the lock was taken
		err  error
	}
	granted := make(chan grant, 1)
	var keep, callback, settledOK, settledErr js.Func
	keep = js.FuncOf(func(_ js.Value, args []js.Value) any {
		l.mu.Lock() // never contended for long: Release only sets fields
		l.resolve = args[0]
		l.mu.Unlock()
		return nil
	})
	callback = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if lk := arg(args); lk.IsNull() || lk.IsUndefined() {
			granted <- grant{}
			return nil
		}
		// Held until the promise returned here settles.
		p := js.Global().Get("Promise").New(keep)
		granted <- grant{held: true}
		return p
	})
	// The request's own promise: it settles when the lock is let go (or was
	// never taken); it is rejected with an AbortError when stolen.
	settledOK = js.FuncOf(func(js.Value, []js.Value) any {
		l.ended(false)
		return nil
	})
	settledErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		select {
		case granted <- grant{err: domError(op, arg(args))}:
		default:
		}
		l.ended(true)
		return nil
	})
	l.funcs = []js.Func{keep, callback, settledOK, settledErr}
	opts := js.Global().Get("Object").New()
	if steal {
		opts.Set("steal", true)
	} else {
		opts.Set("ifAvailable", true)
	}
	err := catch(op, func() {
		nav.Get("locks").Call("request", name, opts, callback).Call("then", settledOK, settledErr)
	})
	if err != nil {
		l.releaseFuncs()
		return nil, err
	}
	select {
	case g := <-granted:
		if g.err != nil {
			<-l.done
			return nil, g.err
		}
		if !g.held {
			<-l.done
			return nil, fmt.Errorf("%s: %w", op, ErrLockHeld)
		}
		return l, nil
	case <-ctx.Done():
		// If it is granted after all, let it go at once.
		go func() {
			if g := <-granted; g.held {
				l.Release()
			}
		}()
		return nil, fmt.Errorf("%s: %w", op, ctx.Err())
	}
}

// ended runs when the browser has let go of the lock; stolen says it was
// taken by another holder rather than released here.
func (l *Lock) ended(rejected bool) {
	l.mu.Lock()
	released := l.released
	l.released = true
	l.mu.Unlock()
	if rejected && !released {
		close(l.lost)
	}
	close(l.done)
	l.releaseFuncs()
}

// Name returns the lock's name.
func (l *Lock) Name() string { return l.name }

// Lost is closed when another holder stole the lock (StealLock): from then
// on this holder must stop doing what the lock guards.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// Release lets the lock go; once it returns, another holder can take it.
// Calling it again, or after the lock was lost, does nothing.
func (l *Lock) Release() {
	l.mu.Lock()
	if l.released {
		l.mu.Unlock()
		return
	}
	l.released = true
	resolve := l.resolve
	l.mu.Unlock()
	if resolve.Type() == js.TypeFunction {
		resolve.Invoke()
	}
	<-l.done
}

// releaseFuncs lets the callbacks go once the browser is done with them.
func (l *Lock) releaseFuncs() {
	for _, f := range l.funcs {
		f.Release()
	}
	l.funcs = nil
}
