//go:build js && wasm

package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"
)

// ChildEnv is set in the environment of the pages Spawn starts, to the role
// given; a test's child side checks it (see Child).
const ChildEnv = "MURMUR_WASM_CHILD"

// Page is another page of the browser running this test binary.
type Page struct {
	t  testing.TB
	id int
}

// call runs one runner operation and waits for its answer.
func call(t testing.TB, op string, arg map[string]any) js.Value {
	t.Helper()
	v, err := callErr(op, arg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func callErr(op string, arg map[string]any) (js.Value, error) {
	r := js.Global().Get("wasmTestRunner")
	if r.Type() != js.TypeFunction {
		return js.Undefined(), fmt.Errorf("browser runner %s: this test needs the browser runner: run it with `make wasm-test` (scripts/wasm-test.mjs)", op)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ch := make(chan [2]js.Value, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- [2]js.Value{args[0], js.Undefined()}; return nil })
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any { ch <- [2]js.Value{js.Undefined(), args[0]}; return nil })
	r.Invoke(op, js.ValueOf(arg)).Call("then", then, fail)
	select {
	case res := <-ch:
		then.Release()
		fail.Release()
		if !res[1].IsUndefined() {
			return js.Undefined(), fmt.Errorf("browser runner %s: %s", op, res[1].Call("toString").String())
		}
		return res[0], nil
	case <-ctx.Done():
		return js.Undefined(), fmt.Errorf("browser runner %s: no answer in 2 minutes", op)
	}
}

// Spawn starts a page running this test binary as the child role (see
// Main), with env added to its environment. The page shares this page's
// storage (as another tab of the site does) and is closed when the test ends.
func Spawn(t testing.TB, role string, env map[string]string) *Page {
	t.Helper()
	return spawn(t, role, env, nil)
}

// SpawnWithQuota starts the child role on an origin of its own (its storage
// starts empty) whose storage quota is bytes.
func SpawnWithQuota(t testing.TB, role string, env map[string]string, bytes int64) *Page {
	t.Helper()
	return spawn(t, role, env, bytes)
}

func spawn(t testing.TB, role string, env map[string]string, quota any) *Page {
	t.Helper()
	e := map[string]any{ChildEnv: role}
	for k, v := range env {
		e[k] = v
	}
	id := call(t, "spawn", map[string]any{"args": []any{"-test.run=^$"}, "env": e, "quota": quota}).Int()
	p := &Page{t: t, id: id}
	t.Cleanup(func() { call(t, "kill", map[string]any{"id": id, "how": "close"}) })
	return p
}

// WaitOutput waits until the page has printed text and reports whether it
// did (false: the page's program ended first). output is all it printed.
func (p *Page) WaitOutput(text string) (found bool, output string) {
	p.t.Helper()
	r := call(p.t, "waitOutput", map[string]any{"id": p.id, "text": text})
	return r.Get("found").Bool(), r.Get("output").String()
}

// Wait waits for the page's program to end and returns its exit code and output.
func (p *Page) Wait() (code int, output string) {
	p.t.Helper()
	r := call(p.t, "wait", map[string]any{"id": p.id})
	return r.Get("code").Int(), r.Get("output").String()
}

// Crash kills the page's renderer at once, as a crash does.
func (p *Page) Crash() {
	p.t.Helper()
	call(p.t, "kill", map[string]any{"id": p.id, "how": "crash"})
}

// Close closes the page's tab at once (no beforeunload).
func (p *Page) Close() {
	p.t.Helper()
	call(p.t, "kill", map[string]any{"id": p.id, "how": "close"})
}

// LiftQuota lifts the storage quota SpawnWithQuota set on this page's origin.
func LiftQuota() error {
	_, err := callErr("setQuota", map[string]any{"bytes": nil})
	return err
}

// Main runs the tests, or, on a page Spawn started, that page's child
// function: its error is printed and the page's program exits 1, or 0 when
// it returns nil. Call it from TestMain.
func Main(m *testing.M, children map[string]func(ctx context.Context) error) {
	role := os.Getenv(ChildEnv)
	if role == "" {
		os.Exit(m.Run())
	}
	child, ok := children[role]
	if !ok {
		fmt.Fprintf(os.Stderr, "browsertest: no child %q in this test binary\n", role)
		os.Exit(2)
	}
	if err := child(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", role, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Say prints a line the parent can wait for with WaitOutput.
func Say(format string, a ...any) {
	fmt.Fprintln(os.Stdout, strings.TrimRight(fmt.Sprintf(format, a...), "\n"))
}
