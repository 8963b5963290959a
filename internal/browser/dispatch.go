// Package browser is the web shell: it runs the Go core in a Web Worker and
// answers the page's calls of the facade's methods, as the desktop's Wails
// bindings do. dispatch.go holds what does not need a browser (the method
// table, argument decoding, error shapes); the *_js.go files hold the
// JavaScript side: the calls, the events, and the shell's questions, which
// the page answers (file pickers, downloads, links).
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"murmur/backend/view"
)

// maxArgsBytes bounds the JSON of one call's arguments (an attachment's
// base64 is the largest: 20 MiB of image is about 27 MiB of text).
const maxArgsBytes = 32 << 20

// Dispatcher calls a facade's methods by name with JSON arguments, the way
// the desktop bindings do: arguments in order, the result as JSON, errors
// as *view.Error.
type Dispatcher struct {
	methods map[string]reflect.Value
}

var errorType = reflect.TypeFor[error]()

// Methods name a facade's bound methods: method values such as a.Info.
// (Looking methods up by reflection instead would keep every method of
// every type in the WebAssembly module: the linker cannot tell which a
// reflective call may reach, and the module grows from 4.6 to 11.8 MB.)
type Methods map[string]any

// NewDispatcher serves methods; a value that is not a func is left out.
func NewDispatcher(methods Methods) *Dispatcher {
	d := &Dispatcher{methods: map[string]reflect.Value{}}
	for name, fn := range methods {
		if v := reflect.ValueOf(fn); v.Kind() == reflect.Func {
			d.methods[name] = v
		}
	}
	return d
}

// Names returns the names the page may call, sorted.
func (d *Dispatcher) Names() []string {
	names := make([]string, 0, len(d.methods))
	for n := range d.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Call calls method with args, the JSON array of its arguments, and returns
// the JSON of its result ("null" for none). A method that panics is
// reported, not fatal: the worker keeps serving the page.
func (d *Dispatcher) Call(ctx context.Context, method string, args []byte) (result []byte, err error) {
	m, ok := d.methods[method]
	if !ok {
		return nil, &view.Error{Kind: view.KindInvalid, Message: fmt.Sprintf("Murmur has no method %q.", clip(method))}
	}
	in, err := decodeArgs(m.Type(), args)
	if err != nil {
		return nil, &view.Error{Kind: view.KindInvalid, Message: fmt.Sprintf("The call of %s did not arrive whole: %v.", method, err)}
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, &view.Error{Kind: view.KindError, Message: fmt.Sprintf("Murmur hit a bug in %s (%v); what was saved before is kept. Reload the page to go on.", method, r)}
		}
	}()
	out := m.Call(in)
	if n := len(out); n > 0 && out[n-1].Type() == errorType {
		if e := out[n-1].Interface(); e != nil {
			return nil, asViewError(e.(error))
		}
		out = out[:n-1]
	}
	if len(out) == 0 {
		return []byte("null"), nil
	}
	b, err := json.Marshal(out[0].Interface())
	if err != nil {
		return nil, &view.Error{Kind: view.KindError, Message: fmt.Sprintf("The result of %s could not be sent to the page: %v.", method, err)}
	}
	return b, nil
}

// decodeArgs decodes the JSON array args into t's parameters: missing
// trailing arguments are zero values (as a JavaScript caller may omit
// them), extra ones are refused.
func decodeArgs(t reflect.Type, args []byte) ([]reflect.Value, error) {
	if len(args) > maxArgsBytes {
		return nil, fmt.Errorf("the arguments are larger than %d MiB", maxArgsBytes>>20)
	}
	var raw []json.RawMessage
	if len(bytes.TrimSpace(args)) > 0 {
		if err := json.Unmarshal(args, &raw); err != nil {
			return nil, errors.New("the arguments are not a JSON array")
		}
	}
	if len(raw) > t.NumIn() {
		return nil, fmt.Errorf("%d arguments given, %d expected", len(raw), t.NumIn())
	}
	in := make([]reflect.Value, t.NumIn())
	for i := range in {
		p := reflect.New(t.In(i))
		if i < len(raw) && !bytes.Equal(bytes.TrimSpace(raw[i]), []byte("null")) {
			if err := json.Unmarshal(raw[i], p.Interface()); err != nil {
				return nil, fmt.Errorf("argument %d: %v", i+1, err)
			}
		}
		in[i] = p.Elem()
	}
	return in, nil
}

// asViewError returns err as the *view.Error the page expects (the facade's
// errors already are one).
func asViewError(err error) *view.Error {
	var e *view.Error
	if errors.As(err, &e) {
		return e
	}
	return &view.Error{Kind: view.KindError, Message: err.Error()}
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
