//go:build js && wasm

package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"syscall/js"

	"murmur/backend/jspromise"
	"murmur/backend/shell"
	"murmur/backend/view"
)

// Config is what the page asks an instance of the core to be.
type Config struct {
	// Name namespaces the instance's storage: "app" for the web app, the
	// widget's id attribute for a widget.
	Name string `json:"name"`
	// Storage is "indexeddb" (kept in the browser) or "memory" (gone when
	// the page closes).
	Storage string `json:"storage"`
	// Steal takes the storage over from another tab that has it open.
	Steal bool `json:"steal"`
	// Shell is "web" (the web app) or "widget".
	Shell string `json:"shell"`
	// Endpoint, when set, is the one provider the instance talks to (a
	// widget's endpoint attribute): an OpenAI-compatible base URL that needs
	// no key, such as `murmur serve`.
	Endpoint string `json:"endpoint"`
	// Model is the endpoint's model; SystemPrompt starts its conversations.
	Model        string `json:"model"`
	SystemPrompt string `json:"systemPrompt"`
	// Server is the API of the `murmur serve` that served the web app, with
	// its models (from /murmur/server.json); first-run settings use it.
	Server       string   `json:"server"`
	ServerModels []string `json:"serverModels"`
}

// Opener opens one instance of the core: its bound methods, and the func
// that closes it.
type Opener func(ctx context.Context, cfg Config, sh shell.Shell, ev Events) (methods Methods, closeFn func() error, err error)

// Serve installs globalThis.murmurCore for the worker script and tells the
// host (globalThis.murmurHost) that it is ready, then keeps the program
// alive. The host is the worker script's: emit(handle, name, json) sends an
// event to the page, ask(handle, kind, payload) asks the page a question
// and returns a promise of the answer, ready() says the core can be called.
func Serve(ctx context.Context, open Opener) {
	host := js.Global().Get("murmurHost")
	b := &bridge{ctx: ctx, open: open, host: host, instances: map[string]*instance{}}
	core := js.Global().Get("Object").New()
	core.Set("open", js.FuncOf(b.jsOpen))
	core.Set("call", js.FuncOf(b.jsCall))
	core.Set("close", js.FuncOf(b.jsClose))
	js.Global().Set("murmurCore", core)
	host.Call("ready")
	<-ctx.Done()
}

type bridge struct {
	ctx  context.Context
	open Opener
	host js.Value

	mu        sync.Mutex
	next      int
	instances map[string]*instance
}

type instance struct {
	d     *Dispatcher
	close func() error
}

// rejection is what a promise of the core rejects with: the JSON text of a
// view.Error, which the page's toUIError reads.
func rejection(err error) any {
	b, merr := json.Marshal(asViewError(err))
	if merr != nil {
		return err.Error()
	}
	return string(b)
}

func (b *bridge) jsOpen(_ js.Value, args []js.Value) any {
	cfgJSON := argString(args, 0)
	return jspromise.New(func() (any, error) {
		var cfg Config
		if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
			return nil, &view.Error{Kind: view.KindInvalid, Message: "The page asked for Murmur with settings it could not read."}
		}
		b.mu.Lock()
		b.next++
		handle := strconv.Itoa(b.next)
		b.mu.Unlock()
		methods, closeFn, err := b.open(b.ctx, cfg, pageShell{host: b.host, handle: handle}, Events{host: b.host, handle: handle})
		if err != nil {
			return nil, err
		}
		b.mu.Lock()
		b.instances[handle] = &instance{d: NewDispatcher(methods), close: closeFn}
		b.mu.Unlock()
		return handle, nil
	}, rejection)
}

func (b *bridge) instance(handle string) (*instance, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	in, ok := b.instances[handle]
	if !ok {
		return nil, &view.Error{Kind: view.KindUnavailable, Message: "This Murmur was closed; reload the page."}
	}
	return in, nil
}

func (b *bridge) jsCall(_ js.Value, args []js.Value) any {
	handle, method, argJSON := argString(args, 0), argString(args, 1), argString(args, 2)
	return jspromise.New(func() (any, error) {
		in, err := b.instance(handle)
		if err != nil {
			return nil, err
		}
		out, err := in.d.Call(b.ctx, method, []byte(argJSON))
		if err != nil {
			return nil, err
		}
		return string(out), nil
	}, rejection)
}

func (b *bridge) jsClose(_ js.Value, args []js.Value) any {
	handle := argString(args, 0)
	return jspromise.New(func() (any, error) {
		b.mu.Lock()
		in, ok := b.instances[handle]
		delete(b.instances, handle)
		b.mu.Unlock()
		if !ok {
			return nil, nil
		}
		if err := in.close(); err != nil {
			return nil, fmt.Errorf("close Murmur: %w", err)
		}
		return nil, nil
	}, rejection)
}

func argString(args []js.Value, i int) string {
	if i >= len(args) || args[i].Type() != js.TypeString {
		return ""
	}
	return args[i].String()
}
