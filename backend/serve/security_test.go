package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/backend/llm/llmtest"
)

// No request reaches anything but the two proxied routes of the configured
// upstream: not other paths, not absolute URLs, not Host tricks, not dot
// segments or encoded slashes.
func TestNoOpenRelay(t *testing.T) {
	e := newEnv(t, nil)
	evil := llmtest.NewServer()
	defer evil.Close()
	evilHost := strings.TrimPrefix(evil.Origin, "http://")
	for _, p := range []string{"/v1/models", "/v1/chat/completions", "/v1/completions", "/v1/models/available", "/v1/account/credits", "/health"} {
		e.up.Always(p, llmtest.JSON(200, `{"leaked":true}`))
		evil.Always(p, llmtest.JSON(200, `{"leaked":true}`))
	}
	body := chatBody("m", false)
	post := func(target, host string) string {
		return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			target, host, testOrigin, len(body), body)
	}
	get := func(target, host string) string {
		return fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nConnection: close\r\n\r\n", target, host, testOrigin)
	}
	cases := []struct {
		name, req string
		status    int
	}{
		{"other API path", post("/v1/completions", e.addr), 404},
		{"embeddings", post("/v1/embeddings", e.addr), 404},
		{"models/available", get("/v1/models/available", e.addr), 404},
		{"credits", get("/v1/account/credits", e.addr), 404},
		{"upstream health", get("/health", e.addr), 404},
		{"v1 root", get("/v1", e.addr), 404},
		{"dot-dot after a route", post("/v1/chat/completions/../../v1/account/credits", e.addr), 400},
		{"trailing dot-dot", get("/v1/models/..", e.addr), 400},
		{"encoded dot-dot", get("/v1/%2e%2e/v1/account/credits", e.addr), 400},
		{"dot segment", get("/v1/./models", e.addr), 400},
		{"encoded slash", get("/v1%2Fmodels", e.addr), 400},
		{"encoded slash lower", post("/v1/chat%2fcompletions", e.addr), 400},
		{"encoded backslash", get("/v1/models%5C..%5Caccount", e.addr), 400},
		{"double slash", get("//"+evilHost+"/v1/models", e.addr), 400},
		{"empty segment", get("/v1//models", e.addr), 400},
		{"absolute URL to another host", post(evil.URL+"/chat/completions", evilHost), 400},
		{"absolute URL to the proxy itself", get(e.url+"/v1/models", e.addr), 400},
		{"absolute https URL", get("https://"+evilHost+"/v1/models", evilHost), 400},
		{"CONNECT", "CONNECT " + evilHost + " HTTP/1.1\r\nHost: " + evilHost + "\r\n\r\n", 400},
		{"upper-case route", get("/V1/models", e.addr), 404},
		{"widget mount, other API path", get("/murmur/v1/account/credits", e.addr), 404},
		{"widget mount dot-dot", post("/murmur/v1/../../v1/chat/completions", e.addr), 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.raw(t, c.req)
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if strings.Contains(body, "leaked") {
				t.Errorf("an upstream answer came back: %s", body)
			}
		})
	}
	if n := len(e.up.Requests()); n != 0 {
		t.Errorf("the upstream received %d requests: %+v", n, e.up.Requests())
	}
	if n := len(evil.Requests()); n != 0 {
		t.Errorf("another host received %d requests", n)
	}

	// A Host header naming another server changes nothing: the request goes
	// to the configured upstream, and only its chat path.
	e.up.Chat(llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	resp, out := e.raw(t, post("/v1/chat/completions", evilHost))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	if r := e.up.Requests(); len(r) != 1 || r[0].Path != "/v1/chat/completions" {
		t.Errorf("upstream requests %+v", r)
	}
	if len(evil.Requests()) != 0 {
		t.Error("the Host header chose the upstream")
	}
}

// The query string is never passed on.
func TestQueryIsNotForwarded(t *testing.T) {
	e := newEnv(t, nil)
	got := make(chan string, 1)
	e.up.Always("/v1/models", llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.RawQuery
		io.WriteString(w, llmtest.ModelList("a"))
	}})
	expectStatus(t, e.do(t, "GET", "/v1/models?api_key=x&base_url=http://evil", "", nil), 200)
	if q := <-got; q != "" {
		t.Errorf("the upstream received the query %q", q)
	}
}

func TestOrigins(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.AllowOrigins = []string{"https://example.org", "https://www.example.org:8443"}
		c.TrustProxies = []string{"127.0.0.1"}
	})
	e.up.Always(llmtest.ChatPath, llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	_, port, _ := net.SplitHostPort(e.addr)
	cases := []struct {
		name   string
		hdr    map[string]string
		status int
		acao   string
	}{
		{"allowed", map[string]string{"Origin": "https://example.org"}, 200, "https://example.org"},
		{"allowed with port", map[string]string{"Origin": "https://www.example.org:8443"}, 200, "https://www.example.org:8443"},
		{"upper case names the same origin", map[string]string{"Origin": "HTTPS://Example.ORG"}, 200, "https://example.org"},
		{"default port names the same origin", map[string]string{"Origin": "https://example.org:443"}, 200, "https://example.org"},
		{"other site", map[string]string{"Origin": "https://evil.example"}, 403, ""},
		{"suffix", map[string]string{"Origin": "https://example.org.evil.example"}, 403, ""},
		{"prefix", map[string]string{"Origin": "https://example.organic"}, 403, ""},
		{"subdomain", map[string]string{"Origin": "https://a.example.org"}, 403, ""},
		{"other scheme", map[string]string{"Origin": "http://example.org"}, 403, ""},
		{"other port", map[string]string{"Origin": "https://www.example.org"}, 403, ""},
		{"null", map[string]string{"Origin": "null"}, 403, ""},
		{"garbage", map[string]string{"Origin": "example.org"}, 403, ""},
		{"with path", map[string]string{"Origin": "https://example.org/x"}, 403, ""},
		{"missing", map[string]string{"Origin": ""}, 403, ""},
		{"this server's own loopback origin", map[string]string{"Origin": "http://" + e.addr}, 200, "http://" + e.addr},
		{"its localhost name", map[string]string{"Origin": "http://localhost:" + port}, 200, "http://localhost:" + port},
		{"another loopback port", map[string]string{"Origin": "http://127.0.0.1:1"}, 403, ""},
		{"same-origin GET of an allowed site's page", map[string]string{"Origin": "", "Sec-Fetch-Site": "same-origin", "Host": "www.example.org:8443"}, 200, ""},
		{"same-origin GET of this server's page", map[string]string{"Origin": "", "Sec-Fetch-Site": "same-origin"}, 200, ""},
		{"DNS rebinding: same-origin, another Host", map[string]string{"Origin": "", "Sec-Fetch-Site": "same-origin", "Host": "evil.example:" + port}, 403, ""},
		{"DNS rebinding: POST", map[string]string{"Origin": "http://evil.example:" + port, "Sec-Fetch-Site": "same-origin", "Host": "evil.example:" + port}, 403, ""},
		{"same-origin claim for another origin", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"}, 403, ""},
		{"cross-site fetch", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, ""},
		{"a POST without Origin or Fetch Metadata", map[string]string{"Origin": "", "Host": "www.example.org:8443"}, 403, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := e.chat(t, chatBody("m", false), c.hdr)
			body := expectStatus(t, resp, c.status)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != c.acao {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, c.acao)
			}
			for k := range resp.Header {
				if strings.HasPrefix(k, "Access-Control-") && c.acao == "" {
					t.Errorf("a refused or same-origin request got %s", k)
				}
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Origin") {
				t.Errorf("Vary %q lacks Origin", resp.Header.Get("Vary"))
			}
			if c.status == 403 && !strings.Contains(detail(t, body), "forbidden") {
				t.Errorf("403 body %s", body)
			}
		})
	}
	// The web app's model list on a plain-HTTP address that is not loopback:
	// a same-origin GET with neither Origin nor Fetch Metadata.
	e.up.Always("/v1/models", llmtest.JSON(200, llmtest.ModelList("m")))
	for _, c := range []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"plain-HTTP same-origin GET", map[string]string{"Origin": "", "Host": "www.example.org:8443"}, 200},
		{"GET without Origin to another Host", map[string]string{"Origin": "", "Host": "evil.example:" + port}, 403},
		{"cross-site GET without Origin", map[string]string{"Origin": "", "Host": "www.example.org:8443", "Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site GET without Origin", map[string]string{"Origin": "", "Host": "www.example.org:8443", "Sec-Fetch-Site": "same-site"}, 403},
		// Over https browsers always send Fetch Metadata: without it, a script.
		{"GET without Origin or Fetch Metadata over https (from a trusted proxy)", map[string]string{"Origin": "", "Host": "www.example.org:8443", "X-Forwarded-Proto": "https"}, 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			expectStatus(t, e.do(t, "GET", "/v1/models", "", c.hdr), c.status)
		})
	}
	before := e.up.Count(llmtest.ChatPath)

	// Two Origin headers are refused.
	resp, body := e.raw(t, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nOrigin: https://example.org\r\nOrigin: https://evil.example\r\n"+
		"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	if resp.StatusCode != 403 {
		t.Errorf("two Origin headers: %d %s", resp.StatusCode, body)
	}
	if e.up.Count(llmtest.ChatPath) != before {
		t.Error("a refused request reached the upstream")
	}

	// --allow-no-origin lets curl in, with no CORS headers.
	e = newEnv(t, func(c *Config) { c.AllowNoOrigin = true })
	e.up.Chat(llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	resp = e.chat(t, chatBody("m", false), map[string]string{"Origin": ""})
	expectStatus(t, resp, 200)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("an origin-less request got CORS headers")
	}
	// …but not other sites.
	expectStatus(t, e.chat(t, chatBody("m", false), map[string]string{"Origin": "https://evil.example"}), 403)
}

func TestPreflight(t *testing.T) {
	e := newEnv(t, nil)
	pre := func(path, origin string) *http.Response {
		return e.do(t, "OPTIONS", path, "", map[string]string{"Origin": origin,
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
	}
	resp := pre("/v1/chat/completions", testOrigin)
	expectStatus(t, resp, 204)
	want := map[string]string{
		"Access-Control-Allow-Origin":  testOrigin,
		"Access-Control-Allow-Methods": "POST",
		"Access-Control-Allow-Headers": "Content-Type, Accept, Authorization, X-Api-Key",
		"Access-Control-Max-Age":       "600",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s %q, want %q", k, got, v)
		}
	}
	if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials allowed")
	}
	resp = pre("/v1/models", testOrigin)
	expectStatus(t, resp, 204)
	if got := resp.Header.Get("Access-Control-Allow-Methods"); got != "GET" {
		t.Errorf("models preflight methods %q", got)
	}
	resp = pre("/v1/chat/completions", "https://evil.example")
	expectStatus(t, resp, 403)
	for k := range resp.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("a refused preflight got %s", k)
		}
	}
	// A plain OPTIONS is not a preflight.
	expectStatus(t, e.do(t, "OPTIONS", "/v1/chat/completions", "", nil), 405)
	// Preflights of paths that are not proxied get nothing.
	expectStatus(t, pre("/v1/embeddings", testOrigin), 404)
	if n := len(e.up.Requests()); n != 0 {
		t.Errorf("preflights reached the upstream %d times", n)
	}
}

func TestMethods(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.do(t, "GET", "/v1/chat/completions", "", nil)
	expectStatus(t, resp, 405)
	if resp.Header.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("Allow %q", resp.Header.Get("Allow"))
	}
	expectStatus(t, e.do(t, "POST", "/v1/models", "{}", nil), 405)
	expectStatus(t, e.do(t, "DELETE", "/v1/models", "", nil), 405)
	if n := len(e.up.Requests()); n != 0 {
		t.Errorf("the upstream received %d requests", n)
	}
}

// The key is in no response header or body and no log line, whatever the
// upstream echoes and wherever the request fails.
func TestKeyNeverLeaks(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBody = 4096 })
	echoKeyStream := llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("X-Api-Key")
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("X-Request-Id", "req-"+k)
		w.WriteHeader(200)
		rc := http.NewResponseController(w)
		// The key split across writes, so it arrives in two reads.
		for _, piece := range []string{"data: " + llmtest.RoleChunk() + "\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"" + k[:9],
			k[9:] + "\"}}]}\n\n", ": " + k + "\n\n", "event: error\ndata: {\"error\":{\"message\":\"bad key " + k + "\"}}\n\n",
			"data: " + k[:3], k[3:20], k[20:] + "\n\n", "data: [DONE]\n\n"} {
			io.WriteString(w, piece)
			rc.Flush()
			time.Sleep(5 * time.Millisecond)
		}
	}}
	echoKeyJSON := llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		k := r.Header.Get("X-Api-Key")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", k)
		io.WriteString(w, llmtest.Completion("your key is "+k, 1, 1))
	}}
	echoKeyError := func(status int, ct string) llmtest.Reply {
		return llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
			k := r.Header.Get("X-Api-Key")
			w.Header().Set("Content-Type", ct)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(status)
			io.WriteString(w, `{"error":{"message":"Invalid API key `+k+`","type":"auth","param":"`+k+`"}}`)
		}}
	}
	e.up.Chat(echoKeyStream, echoKeyJSON, echoKeyError(401, "application/json"), echoKeyError(500, "text/plain"),
		echoKeyError(429, "application/json"))
	e.up.Enqueue("/v1/models", llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, llmtest.ModelList("a", r.Header.Get("X-Api-Key")))
	}}, echoKeyError(403, "application/json"))

	var dumps []string
	record := func(resp *http.Response) {
		b, err := httputil.DumpResponse(resp, true)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		dumps = append(dumps, string(b))
	}
	for i := 0; i < 5; i++ {
		record(e.chat(t, chatBody("m", i == 0), nil))
	}
	record(e.do(t, "GET", "/v1/models", "", nil))
	record(e.do(t, "GET", "/v1/models", "", nil))
	// The server's own refusals.
	record(e.chat(t, `{"model":`, nil))
	record(e.chat(t, `{"model":"`+testKey+`","messages":[],"n":2}`, nil))
	record(e.chat(t, strings.Repeat(" ", 5000), nil))
	record(e.chat(t, chatBody("m", false), map[string]string{"Origin": "https://evil.example"}))
	record(e.chat(t, chatBody("m", false), map[string]string{"Authorization": "Bearer " + testKey[:10]}))

	if len(dumps[0]) < 200 || !strings.Contains(dumps[0], "[DONE]") {
		t.Fatalf("the streamed reply is not whole: %q", dumps[0])
	}
	for i, d := range dumps {
		if strings.Contains(d, testKey) {
			t.Errorf("response %d holds the key:\n%s", i, d)
		}
	}
	if !strings.Contains(dumps[0], "[redacted]") || !strings.Contains(dumps[1], "your key is [redacted]") {
		t.Errorf("the key was not replaced where it was echoed:\n%s\n%s", dumps[0], dumps[1])
	}
	logs := e.logs.String()
	if strings.Contains(logs, testKey) {
		t.Errorf("the log holds the key:\n%s", logs)
	}
	if n := strings.Count(logs, `"msg":"request"`); n != len(dumps) {
		t.Errorf("%d access log lines for %d requests", n, len(dumps))
	}
	for _, banned := range []string{`"messages"`, `"content"`, "hi\"", "Bearer"} {
		if strings.Contains(logs, banned) {
			t.Errorf("the log holds %s (a body or a header):\n%s", banned, logs)
		}
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("per client", func(t *testing.T) {
		e := newEnv(t, func(c *Config) {
			c.Rate, c.Burst = Rate{N: 1, Per: time.Minute}, 2
			c.TrustProxies = []string{"127.0.0.0/8"}
		})
		e.up.Always(llmtest.ChatPath, llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
		from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
		expectStatus(t, e.chat(t, chatBody("m", false), from("10.0.0.1")), 200)
		expectStatus(t, e.chat(t, chatBody("m", false), from("10.0.0.1")), 200)
		resp := e.chat(t, chatBody("m", false), from("10.0.0.1"))
		body := expectStatus(t, resp, 429)
		ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err != nil || ra < 1 || ra > 60 {
			t.Errorf("Retry-After %q, want 1..60 s", resp.Header.Get("Retry-After"))
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != testOrigin || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Retry-After") {
			t.Errorf("a browser cannot read the 429: %v", resp.Header)
		}
		if !strings.Contains(detail(t, body), "too many requests from your address") {
			t.Errorf("429 body %s", body)
		}
		// Another client is not affected; preflights are not counted.
		expectStatus(t, e.chat(t, chatBody("m", false), from("10.0.0.2")), 200)
		expectStatus(t, e.do(t, "OPTIONS", "/v1/chat/completions", "", map[string]string{"X-Forwarded-For": "10.0.0.1", "Access-Control-Request-Method": "POST"}), 204)
		// An IPv6 client counts per /64.
		expectStatus(t, e.chat(t, chatBody("m", false), from("2001:db8::1")), 200)
		expectStatus(t, e.chat(t, chatBody("m", false), from("2001:db8::2")), 200)
		expectStatus(t, e.chat(t, chatBody("m", false), from("2001:db8::3")), 429)
		if n := e.up.Count(llmtest.ChatPath); n != 5 {
			t.Errorf("the upstream received %d requests, want 5", n)
		}
	})
	t.Run("per origin", func(t *testing.T) {
		e := newEnv(t, func(c *Config) {
			c.OriginRate, c.OriginBurst = Rate{N: 1, Per: time.Hour}, 2
			c.TrustProxies = []string{"127.0.0.1"}
		})
		e.up.Always(llmtest.ChatPath, llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
		for i, want := range []int{200, 200, 429} {
			resp := e.chat(t, chatBody("m", false), map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.1.%d", i)})
			body := expectStatus(t, resp, want)
			if want == 429 && !strings.Contains(detail(t, body), "from this site") {
				t.Errorf("429 body %s", body)
			}
		}
	})
	t.Run("X-Forwarded-For is ignored from untrusted peers", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Rate, c.Burst = Rate{N: 1, Per: time.Hour}, 1 })
		e.up.Always(llmtest.ChatPath, llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
		expectStatus(t, e.chat(t, chatBody("m", false), map[string]string{"X-Forwarded-For": "10.0.0.1"}), 200)
		expectStatus(t, e.chat(t, chatBody("m", false), map[string]string{"X-Forwarded-For": "10.0.0.2"}), 429)
	})
}

// Slow or stalled clients cannot hold the server.
func TestSlowClients(t *testing.T) {
	t.Run("headers sent slowly", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.ReadHeaderTimeout = 200 * time.Millisecond })
		conn := dial(t, e.addr)
		closed := watchClose(conn)
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		for i := 0; i < 200; i++ {
			select {
			case <-closed:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := io.WriteString(conn, "X-Slow: a\r\n"); err != nil {
				return
			}
		}
		t.Fatal("a client dripping its headers was not cut off")
	})
	t.Run("body sent slowly", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.ReadTimeout = 300 * time.Millisecond })
		conn := dial(t, e.addr)
		closed := watchClose(conn)
		fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", testOrigin)
		for i := 0; i < 200; i++ {
			select {
			case <-closed:
				if n := len(e.up.Requests()); n != 0 {
					t.Errorf("the upstream received %d requests", n)
				}
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := io.WriteString(conn, " "); err != nil {
				return
			}
		}
		t.Fatal("a client dripping its body was not cut off")
	})
	t.Run("reader that stalls", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.WriteTimeout = 200 * time.Millisecond })
		gone := make(chan struct{})
		e.up.Chat(llmtest.Reply{Handler: func(w http.ResponseWriter, r *http.Request) {
			defer close(gone)
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(200)
			chunk := "data: " + strings.Repeat("x", 64<<10) + "\n\n"
			for r.Context().Err() == nil {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
				http.NewResponseController(w).Flush()
			}
		}})
		conn := dial(t, e.addr)
		body := chatBody("m", true)
		fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nOrigin: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", testOrigin, len(body), body)
		// Never read.
		select {
		case <-gone:
		case <-time.After(15 * time.Second):
			t.Fatal("a client that stopped reading kept its stream and the upstream request")
		}
		waitFor(t, "the stream's slot to be released", func() bool { return e.srv.streams.inFlight() == 0 })
	})
	t.Run("headers too large", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.MaxHeaderBytes = 4 << 10 })
		resp, _ := e.raw(t, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 16<<10)+"\r\n\r\n")
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431", resp.StatusCode)
		}
	})
	t.Run("connection cap: a new connection waits while none is idle", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.MaxConns = 1 })
		holder := dial(t, e.addr)
		io.WriteString(holder, "GET /healthz HTTP/1.1\r\n") // a request begun, not finished
		waitFor(t, "the holder to be accepted", func() bool { return openConns(e) == 1 })
		conn := dial(t, e.addr)
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		cr := bufio.NewReader(conn)
		conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		if _, err := cr.Peek(1); err == nil {
			t.Fatal("a second connection was served while the first held the only slot")
		}
		holder.Close()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(cr, nil)
		if err != nil {
			t.Fatalf("the waiting connection was not served once the slot was free: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("connection cap: idle keep-alive connections make room", func(t *testing.T) {
		// Clients that hold keep-alive connections idle (one request each,
		// then nothing) cannot keep a new client out.
		e := newEnv(t, func(c *Config) { c.MaxConns = 3 })
		holders := keptAlive(t, e.addr, 3)
		waitFor(t, "three idle connections", func() bool { return idleConns(e) == 3 })
		if err := served(dial(t, e.addr)); err != nil {
			t.Fatalf("a new client was kept out by idle connections: %v", err)
		}
		closed := 0
		for _, h := range holders {
			h.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
			if _, err := h.Read(make([]byte, 1)); err == io.EOF {
				closed++
			}
		}
		if closed != 1 {
			t.Errorf("%d idle connections were closed for the new one, want 1", closed)
		}
	})
	t.Run("connection cap: a connection that goes idle makes room for one waiting", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.MaxConns = 1 })
		holder := dial(t, e.addr)
		io.WriteString(holder, "GET /healthz HTTP/1.1\r\n") // busy: a request begun
		waitFor(t, "the holder to be accepted", func() bool { return openConns(e) == 1 })
		conn := dial(t, e.addr)
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		time.Sleep(200 * time.Millisecond)        // it waits for the slot
		io.WriteString(holder, "Host: x\r\n\r\n") // the holder's request ends; it stays open, idle
		if resp, err := http.ReadResponse(bufio.NewReader(holder), nil); err != nil {
			t.Fatal(err)
		} else {
			resp.Body.Close()
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second)) // the keep-alive timeout is 60 s
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("the waiting connection was not served when the holder went idle: %v", err)
		}
		resp.Body.Close()
	})
	t.Run("connections per client: the client's own idle connection makes room", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.MaxConnsPerClient = 2 })
		keptAlive(t, e.addr, 2)
		waitFor(t, "two idle connections", func() bool { return idleConns(e) == 2 })
		if err := served(dial(t, e.addr)); err != nil {
			t.Fatalf("a client with idle connections was refused a new one: %v", err)
		}
		if n := openConns(e); n > 2 {
			t.Errorf("%d connections open for one client, cap 2", n)
		}
	})
	t.Run("connections per client", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.MaxConnsPerClient = 2 })
		a, b := dial(t, e.addr), dial(t, e.addr)
		waitFor(t, "two connections", func() bool { return openConns(e) == 2 })
		third := dial(t, e.addr)
		third.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(third, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		if n, err := third.Read(make([]byte, 1)); n != 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("a client's third connection over a cap of 2 was not closed: %d bytes, %v", n, err)
		}
		a.Close()
		waitFor(t, "the slot to be released", func() bool { return openConns(e) == 1 })
		fourth := dial(t, e.addr)
		io.WriteString(fourth, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		fourth.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(fourth), nil)
		if err != nil {
			t.Fatalf("the client was still refused after closing a connection: %v", err)
		}
		resp.Body.Close()
		b.Close()
		if !strings.Contains(e.logs.String(), "too many open") {
			t.Errorf("the refusal was not logged: %s", e.logs.String())
		}
	})
}

// keptAlive opens n keep-alive connections that each make one request and
// then stay open, idle.
func keptAlive(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	var conns []net.Conn
	for i := 0; i < n; i++ {
		c := dial(t, addr)
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		conns = append(conns, c)
	}
	return conns
}

// served sends one request on conn and reports whether it was answered
// within 5 s.
func served(conn net.Conn) error {
	io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func openConns(e *env) int {
	n, _ := e.srv.conns.Load().counts()
	return n
}

func idleConns(e *env) int {
	_, n := e.srv.conns.Load().counts()
	return n
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	return conn
}

// watchClose reports when the server closes conn (reads are discarded).
func watchClose(conn net.Conn) <-chan struct{} {
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, conn)
		close(closed)
	}()
	return closed
}
