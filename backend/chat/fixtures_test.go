package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/store"
)

// script plays one reply. It gets the decoded request and writes the
// response; sse sends one data line and flushes.
type script func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(data string))

// fakeAPI is a scripted OpenAI-compatible server: each request takes the
// next script (the last one repeats).
type fakeAPI struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	scripts []script
	reqs    []map[string]any
}

func newFakeAPI(t *testing.T, scripts ...script) *fakeAPI {
	f := &fakeAPI{t: t, scripts: scripts}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad json", 400)
		return
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	i := len(f.reqs) - 1
	if i >= len(f.scripts) {
		i = len(f.scripts) - 1
	}
	s := f.scripts[i]
	f.mu.Unlock()
	flusher := w.(http.Flusher)
	sse := func(data string) {
		fmt.Fprintf(w, "data: %s\n\n", data)
		flusher.Flush()
	}
	if req["stream"] == true {
		w.Header().Set("Content-Type", "text/event-stream")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	s(f.t, req, w, sse)
}

func (f *fakeAPI) requests() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.reqs...)
}

func chunk(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m",
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": content}, "finish_reason": nil}},
	})
	return string(b)
}

func finishChunk(reason string) string {
	return `{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"` + reason + `"}]}`
}

const usageChunk = `{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}`

// reply streams the tokens and a normal end.
func reply(tokens ...string) script {
	return func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		if req["stream"] != true {
			text := ""
			for _, tok := range tokens {
				text += tok
			}
			fmt.Fprintf(w, `{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`, text)
			return
		}
		sse(`{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}`)
		for _, tok := range tokens {
			sse(chunk(tok))
		}
		sse(finishChunk("stop"))
		sse(usageChunk)
		sse("[DONE]")
	}
}

// held streams first, then waits until release is closed or the client
// goes away, then streams rest.
func held(first []string, release <-chan struct{}, rest ...string) script {
	return func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		for _, tok := range first {
			sse(chunk(tok))
		}
		select {
		case <-release:
		case <-time.After(10 * time.Second):
			return
		}
		for _, tok := range rest {
			sse(chunk(tok))
		}
		sse(finishChunk("stop"))
		sse("[DONE]")
	}
}

// recorder collects emitted events.
type recorder struct {
	mu     sync.Mutex
	events map[string][]StreamEvent
	signal chan struct{}
}

func newRecorder() *recorder {
	return &recorder{events: make(map[string][]StreamEvent), signal: make(chan struct{}, 1024)}
}

func (r *recorder) Stream(ev StreamEvent) {
	r.mu.Lock()
	name := EventName(ev.StreamID)
	r.events[name] = append(r.events[name], ev)
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

func (r *recorder) of(name string) []StreamEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]StreamEvent(nil), r.events[name]...)
}

// waitFor waits until cond holds on the events of name.
func (r *recorder) waitFor(t *testing.T, name string, what string, cond func([]StreamEvent) bool) []StreamEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if evs := r.of(name); cond(evs) {
			return evs
		}
		select {
		case <-r.signal:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; events: %+v", what, r.of(name))
		}
	}
}

func terminal(evs []StreamEvent) bool {
	return len(evs) > 0 && evs[len(evs)-1].Terminal()
}

type env struct {
	t *testing.T
	// beforeResolve, when set, runs inside the resolver (where the real one
	// may wait on the keychain); a non-nil error fails the resolve.
	beforeResolve func(c *conversation.Conversation) error
	store         *store.Store
	api           *fakeAPI
	rec           *recorder
	engine        *Engine
	target        Target
}

type envOption func(*env, *[]Option)

func withTarget(f func(*Target)) envOption {
	return func(e *env, _ *[]Option) { f(&e.target) }
}

func withEngineOptions(opts ...Option) envOption {
	return func(_ *env, o *[]Option) { *o = append(*o, opts...) }
}

func newEnv(t *testing.T, scripts []script, opts ...envOption) *env {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, store: st, api: newFakeAPI(t, scripts...), rec: newRecorder()}
	e.target = Target{
		Provider: llm.Provider{ID: "fake", BaseURL: e.api.srv.URL + "/v1", Auth: llm.AuthBearer},
		Key:      "sk-test-secret-key",
		Model:    "fake-model",
		Stream:   true,
	}
	var engineOpts []Option
	for _, o := range opts {
		o(e, &engineOpts)
	}
	// Retries happen at once: no test waits for a real backoff.
	noSleep := func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	client := llm.New(llm.WithHTTPClient(e.api.srv.Client()), llm.WithSleep(noSleep))
	resolve := func(ctx context.Context, c *conversation.Conversation) (Target, error) {
		if e.beforeResolve != nil {
			if err := e.beforeResolve(c); err != nil {
				return Target{}, err
			}
		}
		return e.target, nil
	}
	e.engine = New(st, client, resolve, e.rec, engineOpts...)
	t.Cleanup(e.engine.Wait)
	return e
}

func (e *env) get(id string) *conversation.Conversation {
	e.t.Helper()
	c, err := e.store.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) finish(s Started) []StreamEvent {
	e.t.Helper()
	return e.rec.waitFor(e.t, s.Event, "the terminal event", terminal)
}

// fakeClock is a manual clock: After channels fire when Advance passes them.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

func storeListAll() store.ListQuery {
	return store.ListQuery{Archived: store.ArchivedInclude, Limit: store.MaxLimit}
}
