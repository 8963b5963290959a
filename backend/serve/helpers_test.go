package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/backend/llm"
	"murmur/backend/llm/llmtest"
)

// testKey is the upstream key the proxy holds in tests.
const testKey = "sk-live-SECRET-7f3a9c1e5b2d4f60"

const testOrigin = "https://example.org"

// env is a proxy served on a loopback port in front of a fake upstream.
type env struct {
	up   *llmtest.Server
	srv  *Server
	url  string // the proxy's root URL, "http://127.0.0.1:PORT"
	addr string
	logs *syncBuffer
	hc   *http.Client
}

// newEnv starts a fake upstream and a proxy with test defaults (one allowed
// origin, no rate limits); mod changes the configuration.
func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	up := llmtest.NewServer()
	t.Cleanup(up.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Listen = ln.Addr().String()
	cfg.Upstream = up.URL
	cfg.Auth = llm.AuthXAPIKey
	cfg.Key = testKey
	cfg.AllowOrigins = []string{testOrigin}
	cfg.Rate = Rate{}
	cfg.OriginRate = Rate{}
	cfg.ShutdownTimeout = time.Second
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	srv, err := New(cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		ln.Close()
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	hc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{}}
	t.Cleanup(hc.CloseIdleConnections)
	return &env{up: up, srv: srv, url: "http://" + ln.Addr().String(), addr: ln.Addr().String(), logs: logs, hc: hc}
}

// do sends a request with the test origin unless hdr sets Origin (an empty
// value removes it).
func (e *env) do(t *testing.T, method, path, body string, hdr map[string]string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", testOrigin)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// chat posts body to the chat route.
func (e *env) chat(t *testing.T, body string, hdr map[string]string) *http.Response {
	t.Helper()
	return e.do(t, http.MethodPost, "/v1/chat/completions", body, hdr)
}

// readAll reads and closes a response body.
func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the response: %v", err)
	}
	return string(b)
}

// expectStatus checks a response's status and returns its body.
func expectStatus(t *testing.T, resp *http.Response, want int) string {
	t.Helper()
	body := readAll(t, resp)
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d; body: %s", resp.StatusCode, want, body)
	}
	return body
}

// detail decodes {"detail": "text"}.
func detail(t *testing.T, body string) string {
	t.Helper()
	var v struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("the body is not {\"detail\": text}: %s", body)
	}
	return v.Detail
}

// raw sends text as is on a new connection and returns the response.
func (e *env) raw(t *testing.T, text string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, text); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the response to %q: %v", strings.SplitN(text, "\r\n", 2)[0], err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// logLines returns the JSON log lines written so far.
func (e *env) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		out = append(out, m)
	}
	return out
}

// accessLines returns the access log lines of path.
func (e *env) accessLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range e.logLines(t) {
		if m["msg"] == "request" && m["path"] == path {
			out = append(out, m)
		}
	}
	return out
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// chatBody is a small valid request.
func chatBody(model string, stream bool) string {
	return fmt.Sprintf(`{"model":%q,"messages":[{"role":"user","content":"hi"}],"stream":%t}`, model, stream)
}

// signal is a Reply handler that streams one event, then waits for the
// client to go away and reports it on gone.
func hangAfterFirstEvent(gone chan<- struct{}) llmtest.Reply {
	return llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		io.WriteString(w, "data: "+llmtest.RoleChunk()+"\n\n")
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
		close(gone)
	}}
}
