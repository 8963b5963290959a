package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/backend/llm"
	"murmur/backend/llm/llmtest"
	"murmur/backend/sse"
)

func TestChatStreamPassesThroughWithTheKey(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxTokens = 4096 })
	stream := llmtest.SSE(
		llmtest.Data(llmtest.RoleChunk()),
		llmtest.Comment("keep-alive"),
		llmtest.Data(llmtest.ContentChunk("Hel")),
		llmtest.Data(llmtest.ContentChunk("lo")),
		llmtest.Data(llmtest.FinishChunk("stop")),
		llmtest.Data(llmtest.UsageChunk(7, 2)),
		llmtest.Done(),
	)
	e.up.Chat(stream)
	resp := e.chat(t, `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}`, nil)
	body := expectStatus(t, resp, 200)

	var want strings.Builder
	for _, st := range stream.Steps {
		want.WriteString(st.Data)
	}
	if body != want.String() {
		t.Errorf("the stream changed on its way:\n got %q\nwant %q", body, want.String())
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type %q", ct)
	}
	if got := resp.Header.Get("X-Accel-Buffering"); got != "no" {
		t.Errorf("X-Accel-Buffering %q, want no (so nginx does not buffer)", got)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != testOrigin {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}

	reqs := e.up.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/chat/completions" || reqs[0].Method != "POST" {
		t.Fatalf("upstream requests: %+v", reqs)
	}
	if got := reqs[0].Header.Get("X-Api-Key"); got != testKey {
		t.Errorf("upstream x-api-key %q, want the server's key", got)
	}
	if got := reqs[0].Header.Get("Accept"); got != "text/event-stream" {
		t.Errorf("upstream Accept %q", got)
	}
	sent := reqs[0].JSON()
	if sent["max_tokens"] != float64(4096) {
		t.Errorf("max_tokens sent %v, want the cap 4096 when the request sets none", sent["max_tokens"])
	}
	if so, _ := sent["stream_options"].(map[string]any); so["include_usage"] != true {
		t.Errorf("stream_options not passed on: %v", sent["stream_options"])
	}

	lines := e.accessLines(t, "/v1/chat/completions")
	if len(lines) != 1 {
		t.Fatalf("access log lines: %v", lines)
	}
	l := lines[0]
	if l["status"] != float64(200) || l["model"] != "gpt-4o-mini" || l["origin"] != testOrigin ||
		l["prompt_tokens"] != float64(7) || l["completion_tokens"] != float64(2) || l["total_tokens"] != float64(9) ||
		l["client"] != "127.0.0.1" || l["stream"] != true {
		t.Errorf("access log line: %v", l)
	}
	if _, ok := l["duration"]; !ok {
		t.Errorf("access log line without duration: %v", l)
	}
}

func TestChatNotStreamed(t *testing.T) {
	e := newEnv(t, nil)
	e.up.Chat(llmtest.Reply{Body: llmtest.Completion("Hello there", 5, 2), Gzip: true})
	resp := e.chat(t, chatBody("gpt-4o-mini", false), nil)
	body := expectStatus(t, resp, 200)
	var got struct {
		Choices []struct {
			Message struct{ Content string }
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Choices) != 1 || got.Choices[0].Message.Content != "Hello there" {
		t.Fatalf("reply %s (%v)", body, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if l := e.accessLines(t, "/v1/chat/completions"); len(l) != 1 || l[0]["total_tokens"] != float64(7) || l[0]["stream"] != false {
		t.Errorf("access log: %v", l)
	}
}

func TestBearerAndNoAuth(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Auth = llm.AuthBearer })
	e.up.Chat(llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	expectStatus(t, e.chat(t, chatBody("m", false), nil), 200)
	r := e.up.Requests()[0]
	if r.Header.Get("Authorization") != "Bearer "+testKey || r.Header.Get("X-Api-Key") != "" {
		t.Errorf("bearer auth sent %v", r.Header)
	}

	e = newEnv(t, func(c *Config) { c.Auth = llm.AuthNone; c.Key = "" })
	e.up.Chat(llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	expectStatus(t, e.chat(t, chatBody("m", false), nil), 200)
	r = e.up.Requests()[0]
	if r.Header.Get("Authorization") != "" || r.Header.Get("X-Api-Key") != "" {
		t.Errorf("auth none sent credentials: %v", r.Header)
	}
}

// The client sees event 1 before the upstream sends event 2: nothing on the
// way holds events back.
func TestStreamIsNotBuffered(t *testing.T) {
	e := newEnv(t, nil)
	release := make(chan struct{})
	e.up.Chat(llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		io.WriteString(w, "data: "+llmtest.ContentChunk("one")+"\n\n")
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: "+llmtest.ContentChunk("two")+"\n\ndata: [DONE]\n\n")
	}})
	resp := e.chat(t, chatBody("m", true), nil)
	defer resp.Body.Close()
	dec := sse.NewDecoder(resp.Body)
	got := make(chan string, 1)
	go func() {
		ev, err := dec.Next()
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(ev.Data)
	}()
	select {
	case first := <-got:
		if !strings.Contains(first, `"one"`) {
			t.Fatalf("first event %q", first)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("event 1 did not reach the client before the upstream sent event 2: the proxy buffers")
	}
	close(release)
	ev, err := dec.Next()
	if err != nil || !strings.Contains(string(ev.Data), `"two"`) {
		t.Fatalf("second event %q, %v", ev.Data, err)
	}
}

func TestClientDisconnectCancelsUpstream(t *testing.T) {
	for _, stream := range []bool{true, false} {
		e := newEnv(t, nil)
		gone := make(chan struct{})
		if stream {
			e.up.Chat(hangAfterFirstEvent(gone))
		} else {
			e.up.Chat(llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
				close(gone)
			}})
		}
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", e.url+"/v1/chat/completions", strings.NewReader(chatBody("m", stream)))
		req.Header.Set("Origin", testOrigin)
		req.Header.Set("Content-Type", "application/json")
		done := make(chan struct{})
		go func() {
			defer close(done)
			resp, err := e.hc.Do(req)
			if err != nil {
				return
			}
			if stream {
				sse.NewDecoder(resp.Body).Next()
				cancel()
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
		if !stream {
			waitFor(t, "the upstream request", func() bool { return e.up.Count(llmtest.ChatPath) == 1 })
			cancel()
		}
		select {
		case <-gone:
		case <-time.After(10 * time.Second):
			t.Fatalf("stream=%v: the upstream request was not cancelled when the client went away", stream)
		}
		<-done
		waitFor(t, "the access log line", func() bool { return len(e.accessLines(t, "/v1/chat/completions")) == 1 })
		if l := e.accessLines(t, "/v1/chat/completions")[0]; l["status"] != float64(499) {
			t.Errorf("stream=%v: a client that went away is logged as %v, want 499", stream, l["status"])
		}
		cancel()
	}
}

// A client's own credentials, cookies and every other header stay behind;
// the upstream sees only what the proxy sets.
func TestClientHeadersAreDropped(t *testing.T) {
	e := newEnv(t, nil)
	e.up.Chat(llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	resp, body := e.raw(t, "POST /v1/chat/completions?api_key=client&base_url=http://evil HTTP/1.1\r\n"+
		"Host: evil.example\r\n"+
		"Origin: "+testOrigin+"\r\n"+
		"Content-Type: application/json\r\n"+
		"Authorization: Bearer client-key\r\n"+
		"X-Api-Key: client-key\r\n"+
		"Cookie: session=abc\r\n"+
		"Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"+
		"Connection: keep-alive, X-Hop\r\n"+
		"X-Hop: hop\r\n"+
		"X-Forwarded-For: 6.6.6.6\r\n"+
		"X-Forwarded-Host: evil.example\r\n"+
		"Forwarded: for=6.6.6.6;host=evil.example\r\n"+
		"OpenAI-Organization: org-client\r\n"+
		"Content-Length: "+strconv.Itoa(len(chatBody("m", false)))+"\r\n\r\n"+chatBody("m", false))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	reqs := e.up.Requests()
	if len(reqs) != 1 {
		t.Fatalf("upstream got %d requests", len(reqs))
	}
	h := reqs[0].Header
	if h.Get("X-Api-Key") != testKey {
		t.Errorf("x-api-key %q", h.Get("X-Api-Key"))
	}
	allowed := map[string]bool{"X-Api-Key": true, "Content-Type": true, "Accept": true, "User-Agent": true,
		"Content-Length": true, "Accept-Encoding": true}
	for k := range h {
		if !allowed[k] {
			t.Errorf("the upstream received the header %s: %v", k, h[k])
		}
	}
	if strings.Contains(reqs[0].Path, "evil") {
		t.Errorf("upstream path %q", reqs[0].Path)
	}
}

func TestUpstreamErrorsArePassedOnRedacted(t *testing.T) {
	e := newEnv(t, nil)
	e.up.Chat(
		llmtest.Reply{Status: 429, Header: map[string]string{"Retry-After": "20", "X-Request-Id": "req-1"},
			Body: `{"error":{"message":"Rate limit exceeded for key ` + testKey + `","type":"rate_limit_error"}}`},
		llmtest.Reply{Status: 502, ContentType: "text/html", Body: "<html><script>alert(1)</script>Bad gateway " + testKey + "</html>"},
		llmtest.Reply{Redirect: "http://127.0.0.1:1/steal"},
		llmtest.Reply{Status: 401, Body: `{"error":{"message":"Invalid API key","type":"authentication_error"}}`},
	)
	resp := e.chat(t, chatBody("m", false), nil)
	body := expectStatus(t, resp, 429)
	if !strings.Contains(body, "Rate limit exceeded for key [redacted]") || strings.Contains(body, testKey) {
		t.Errorf("429 body %s", body)
	}
	if resp.Header.Get("Retry-After") != "20" || resp.Header.Get("X-Request-Id") != "req-1" {
		t.Errorf("headers %v", resp.Header)
	}

	resp = e.chat(t, chatBody("m", false), nil)
	body = expectStatus(t, resp, 502)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("an HTML error page was passed on as %q", ct)
	}
	d := detail(t, body)
	if !strings.Contains(d, "HTTP 502") || strings.Contains(d, testKey) || !strings.Contains(d, "[redacted]") {
		t.Errorf("502 detail %q", d)
	}

	resp = e.chat(t, chatBody("m", false), nil)
	if d := detail(t, expectStatus(t, resp, 502)); !strings.Contains(d, "redirect") {
		t.Errorf("redirect detail %q", d)
	}
	if resp.Header.Get("Location") != "" {
		t.Errorf("the upstream's Location was passed on")
	}

	resp = e.chat(t, chatBody("m", false), nil)
	if body := expectStatus(t, resp, 401); !strings.Contains(body, "Invalid API key") {
		t.Errorf("401 body %s", body)
	}
}

func TestUpstreamUnreachable(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Upstream = "http://127.0.0.1:1/v1" })
	d := detail(t, expectStatus(t, e.chat(t, chatBody("m", false), nil), 502))
	if !strings.Contains(d, "could not be reached") {
		t.Errorf("detail %q", d)
	}
}

// A stream the upstream breaks is broken for the client too, not ended
// cleanly.
func TestBrokenUpstreamStreamBreaksTheClientStream(t *testing.T) {
	e := newEnv(t, nil)
	e.up.Chat(llmtest.SSE(llmtest.Data(llmtest.RoleChunk()), llmtest.Data(llmtest.ContentChunk("half")), llmtest.Drop()))
	resp := e.chat(t, chatBody("m", true), nil)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("the client saw a clean end of a broken stream: %q", b)
	}
	if !strings.Contains(string(b), `"half"`) {
		t.Errorf("the events before the break were lost: %q", b)
	}
}

func TestModelsAreFiltered(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Models = []string{"gpt-4o-mini", "claude-sonnet-4-20250514", "not-offered"} })
	e.up.Always("/v1/models", llmtest.JSON(200, llmtest.ModelList("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-20250514", "openrouter/x")))
	resp := e.do(t, "GET", "/v1/models", "", nil)
	body := expectStatus(t, resp, 200)
	var list struct {
		Object string
		Data   []struct {
			ID, Object string
		}
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	if list.Object != "list" || strings.Join(ids, ",") != "gpt-4o-mini,claude-sonnet-4-20250514" {
		t.Errorf("models %s", body)
	}
	if r := e.up.Requests(); len(r) != 1 || r[0].Header.Get("X-Api-Key") != testKey || r[0].Method != "GET" {
		t.Errorf("upstream requests %+v", r)
	}
	// The murmur/ mount answers the same.
	if body := expectStatus(t, e.do(t, "GET", "/murmur/v1/models", "", nil), 200); !strings.Contains(body, "gpt-4o-mini") || strings.Contains(body, `"gpt-4o"`) {
		t.Errorf("/murmur/v1/models %s", body)
	}
	// Without --models every model is listed.
	e = newEnv(t, nil)
	e.up.Always("/v1/models", llmtest.JSON(200, llmtest.ModelList("a", "b")))
	if body := expectStatus(t, e.do(t, "GET", "/v1/models", "", nil), 200); !strings.Contains(body, `"a"`) || !strings.Contains(body, `"b"`) {
		t.Errorf("unfiltered %s", body)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, nil)
	if body := expectStatus(t, e.do(t, "GET", "/healthz", "", map[string]string{"Origin": ""}), 200); body != `{"status":"ok"}` {
		t.Errorf("healthz %s", body)
	}
	if n := len(e.up.Requests()); n != 0 {
		t.Errorf("healthz reached the upstream %d times", n)
	}
}

func TestWidgetMountServesTheAPI(t *testing.T) {
	e := newEnv(t, nil)
	e.up.Chat(llmtest.Stream("a", "b"))
	if body := expectStatus(t, e.do(t, "POST", "/murmur/v1/chat/completions", chatBody("m", true), nil), 200); !strings.Contains(body, "[DONE]") {
		t.Errorf("body %s", body)
	}
}

// A stalled upstream ends the stream with an error event the client can
// show, and the upstream request is cancelled.
func TestIdleAndTotalTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.IdleTimeout = 150 * time.Millisecond })
		gone := make(chan struct{})
		e.up.Chat(hangAfterFirstEvent(gone))
		body := expectStatus(t, e.chat(t, chatBody("m", true), nil), 200)
		if !strings.Contains(body, `"code":"idle_timeout"`) || !strings.Contains(body, "sent nothing for 150ms") {
			t.Errorf("body %q", body)
		}
		assertEventsParse(t, body)
		select {
		case <-gone:
		case <-time.After(10 * time.Second):
			t.Fatal("the upstream was not cancelled")
		}
	})
	t.Run("first byte", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.HeaderTimeout = 150 * time.Millisecond })
		e.up.Chat(llmtest.SSE(llmtest.Hang()))
		body := expectStatus(t, e.chat(t, chatBody("m", true), nil), 200)
		if !strings.Contains(body, "sent nothing for 150ms") {
			t.Errorf("body %q", body)
		}
	})
	t.Run("total", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.TotalTimeout = 300 * time.Millisecond })
		var steps []llmtest.Step
		for i := 0; i < 1000; i++ {
			steps = append(steps, llmtest.After(20*time.Millisecond, llmtest.Data(llmtest.ContentChunk("x"))))
		}
		e.up.Chat(llmtest.SSE(steps...))
		body := expectStatus(t, e.chat(t, chatBody("m", true), nil), 200)
		if !strings.Contains(body, `"code":"total_timeout"`) {
			t.Errorf("body ends %q", body[max(0, len(body)-300):])
		}
		assertEventsParse(t, body)
	})
	t.Run("headers", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.HeaderTimeout = 150 * time.Millisecond })
		e.up.Chat(llmtest.Reply{Delay: 5 * time.Second, Body: llmtest.Completion("late", 1, 1)})
		d := detail(t, expectStatus(t, e.chat(t, chatBody("m", false), nil), 504))
		if !strings.Contains(d, "did not start within 150ms") {
			t.Errorf("detail %q", d)
		}
	})
}

// assertEventsParse checks that every event of body is JSON or [DONE].
func assertEventsParse(t *testing.T, body string) {
	t.Helper()
	dec := sse.NewDecoder(strings.NewReader(body))
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if string(ev.Data) != "[DONE]" && !json.Valid(ev.Data) {
			t.Errorf("event is not JSON: %q", ev.Data)
		}
	}
}

func TestStreamCaps(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.MaxStreams = 2
		c.MaxStreamsPerClient = 1
		c.TrustProxies = []string{"127.0.0.1"}
	})
	hang := llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}}
	e.up.Always(llmtest.ChatPath, hang)
	open := func(client string) *http.Response {
		return e.chat(t, chatBody("m", true), map[string]string{"X-Forwarded-For": client})
	}
	a := open("10.0.0.1")
	defer a.Body.Close()
	if a.StatusCode != 200 {
		t.Fatalf("first stream: %d", a.StatusCode)
	}
	r := open("10.0.0.1")
	if body := expectStatus(t, r, 429); !strings.Contains(detail(t, body), "at most 1 replies per client") {
		t.Errorf("per-client cap: %s", body)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	b := open("10.0.0.2")
	defer b.Body.Close()
	if b.StatusCode != 200 {
		t.Fatalf("another client's stream: %d", b.StatusCode)
	}
	if body := expectStatus(t, open("10.0.0.3"), 503); !strings.Contains(detail(t, body), "busy") {
		t.Errorf("total cap: %s", body)
	}
	a.Body.Close()
	waitFor(t, "the first stream's slot to be released", func() bool { return e.srv.streams.inFlight() == 1 })
	c := open("10.0.0.1")
	c.Body.Close()
	if c.StatusCode != 200 {
		t.Errorf("a released slot is not reusable: %d", c.StatusCode)
	}
}

// The read and write timeouts bound a client's slowness, not the length of a
// reply: a stream much longer than both arrives whole.
func TestLongStreamOutlivesTheServerTimeouts(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.ReadTimeout = 150 * time.Millisecond
		c.WriteTimeout = 150 * time.Millisecond
	})
	steps := []llmtest.Step{llmtest.Data(llmtest.RoleChunk())}
	for i := 0; i < 12; i++ {
		steps = append(steps, llmtest.After(50*time.Millisecond, llmtest.Data(llmtest.ContentChunk("x"))))
	}
	steps = append(steps, llmtest.Data(llmtest.FinishChunk("stop")), llmtest.Done())
	e.up.Chat(llmtest.SSE(steps...), llmtest.Reply{Delay: 400 * time.Millisecond, Body: llmtest.Completion("slow", 1, 1)})
	body := expectStatus(t, e.chat(t, chatBody("m", true), nil), 200)
	if strings.Count(body, `"content":"x"`) != 12 || !strings.HasSuffix(body, "data: [DONE]\n\n") {
		t.Errorf("the stream was cut: %q", body)
	}
	if body := expectStatus(t, e.chat(t, chatBody("m", false), nil), 200); !strings.Contains(body, "slow") {
		t.Errorf("a slow non-streamed reply was cut: %s", body)
	}
}

func TestUnreadableUpstreamReplies(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TotalTimeout = 200 * time.Millisecond })
	e.up.Chat(llmtest.Reply{ContentType: "text/html", Body: "<html>hello</html>"}, llmtest.JSON(200, `{"choices":`))
	for i := 0; i < 2; i++ {
		if d := detail(t, expectStatus(t, e.chat(t, chatBody("m", false), nil), 502)); !strings.Contains(d, "not JSON") {
			t.Errorf("reply %d: %q", i, d)
		}
	}
	e.up.Enqueue("/v1/models", llmtest.JSON(200, `{"object":"list"}`), llmtest.Reply{Delay: 5 * time.Second, Body: llmtest.ModelList("a")})
	if d := detail(t, expectStatus(t, e.do(t, "GET", "/v1/models", "", nil), 502)); !strings.Contains(d, "not an OpenAI model list") {
		t.Errorf("models: %q", d)
	}
	if d := detail(t, expectStatus(t, e.do(t, "GET", "/v1/models", "", nil), 504)); !strings.Contains(d, "within 200ms") {
		t.Errorf("slow models: %q", d)
	}
}
