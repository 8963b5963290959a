package llm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	L "murmur/backend/llm/llmtest"
)

func TestHTTPErrorShapes(t *testing.T) {
	premium := `{"error":{"type":"premium_access_required","message":"This model requires a premium subscription.","detail":"Upgrade to use claude-opus.","status_code":403,"upgrade_url":"https://swarms.world/platform/account","documentation":"https://docs.swarms.ai"}}`
	cases := []struct {
		name      string
		reply     L.Reply
		kind      ErrorKind
		status    int
		contains  []string
		retryable bool
	}{
		{"401 OpenAI shape", L.JSON(401, `{"error":{"message":"Incorrect API key provided","type":"authentication_error","code":"invalid_api_key","param":null}}`),
			KindAuth, 401, []string{"API key", "Incorrect API key provided"}, false},
		{"402 credits, undocumented body", L.JSON(402, `{"detail":"Insufficient credits"}`),
			KindCredits, 402, []string{"credit balance", "Insufficient credits"}, false},
		{"402 with an empty body", L.JSON(402, ``), KindCredits, 402, []string{"credit balance is too low"}, false},
		{"403 premium with upgrade URL", L.JSON(403, premium),
			KindPremium, 403, []string{"premium", "requires a premium subscription", "Upgrade to use claude-opus", "https://swarms.world/platform/account"}, false},
		{"403 permission", L.JSON(403, `{"error":{"message":"Project does not have access","type":"permission_error"}}`),
			KindPermission, 403, []string{"not allowed", "does not have access"}, false},
		{"422 FastAPI detail list", L.JSON(422, `{"detail":[{"loc":["body","messages",0,"role"],"msg":"Input should be 'user'","type":"literal_error"},{"loc":["body","model"],"msg":"Field required","type":"missing"}]}`),
			KindInvalidRequest, 422, []string{"rejected", "messages.0.role: Input should be 'user'", "model: Field required"}, false},
		{"400 FastAPI detail string", L.JSON(400, `{"detail":"n > 1 is not supported"}`),
			KindInvalidRequest, 400, []string{"n > 1 is not supported"}, false},
		{"404 model", L.JSON(404, `{"error":{"message":"The model 'x' does not exist","type":"invalid_request_error","code":"model_not_found"}}`),
			KindInvalidRequest, 404, []string{"base URL", "does not exist"}, false},
		{"429 insufficient quota is not a rate limit", L.JSON(429, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}`),
			KindCredits, 429, []string{"quota"}, false},
		{"HTML error page", L.Reply{Status: 404, ContentType: "text/html", Body: "<html><body>nginx</body></html>"},
			KindInvalidRequest, 404, []string{"not found"}, false},
		{"plain text error", L.Reply{Status: 400, ContentType: "text/plain", Body: "bad things"},
			KindInvalidRequest, 400, []string{"bad things"}, false},
		{"vLLM object error with status", L.JSON(400, `{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}`),
			KindInvalidRequest, 400, []string{"max_tokens is too large"}, false},
		{"error as a string", L.JSON(400, `{"error":"model is required"}`), KindInvalidRequest, 400, []string{"model is required"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.reply.Header = map[string]string{"X-Request-Id": "req_abc"}
			f.srv.Chat(tc.reply)
			_, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
			e := asError(t, err)
			if e.Kind != tc.kind || e.Status != tc.status || e.Retryable != tc.retryable || e.RequestID != "req_abc" {
				t.Fatalf("got kind %s status %d retryable %v request %q: %v", e.Kind, e.Status, e.Retryable, e.RequestID, e)
			}
			for _, want := range tc.contains {
				if !strings.Contains(e.Error(), want) {
					t.Errorf("message %q lacks %q", e.Error(), want)
				}
			}
			if !strings.Contains(e.Error(), "req_abc") {
				t.Errorf("message %q lacks the request id", e.Error())
			}
			if f.srv.Count(L.ChatPath) != 1 {
				t.Errorf("%d requests; a non-retryable error was retried", f.srv.Count(L.ChatPath))
			}
		})
	}
}

func TestPremiumErrorFields(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.JSON(403, `{"error":{"type":"premium_access_required","message":"Premium only","upgrade_url":"https://swarms.world/up"}}`))
	_, err := f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
	e := asError(t, err)
	if e.Kind != KindPremium || e.UpgradeURL != "https://swarms.world/up" || e.Type != "premium_access_required" {
		t.Fatalf("%+v", e)
	}
}

func TestRateLimitRetriesAfterRetryAfter(t *testing.T) {
	f := newFixture(t)
	limited := L.JSON(429, `{"error":{"message":"Rate limit exceeded","type":"rate_limit_error"}}`)
	limited.Header = map[string]string{"Retry-After": "3", "X-RateLimit-Limit-Minute": "100", "X-RateLimit-Remaining-Minute": "0",
		"X-RateLimit-Limit-Day": "1200", "X-RateLimit-Remaining-Day": "800", "X-RateLimit-Reset": "1900000000", "X-RateLimit-Tier": "free"}
	f.srv.Chat(limited, L.Stream("ok"))
	var notices []RetryNotice
	c := New(WithSleep(f.sleeps.sleep), WithRetryHook(func(n RetryNotice) { notices = append(notices, n) }))
	s, err := c.Stream(context.Background(), f.p, testKey, userRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := f.sleeps.all(); !reflect.DeepEqual(got, []time.Duration{3 * time.Second}) {
		t.Fatalf("waited %v, want the server's 3s", got)
	}
	if len(notices) != 1 || notices[0].Attempt != 1 || notices[0].Err.Kind != KindRateLimit {
		t.Fatalf("notices %+v", notices)
	}
	// The one request's caller hears of its own retries through the context.
	f.srv.Chat(limited, L.Stream("ok"))
	var traced []RetryNotice
	ctx := WithRetryTrace(context.Background(), func(n RetryNotice) { traced = append(traced, n) })
	s, err = New(WithSleep(f.sleeps.sleep)).Stream(ctx, f.p, testKey, userRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if len(traced) != 1 || traced[0].Wait != 3*time.Second || traced[0].Err.Kind != KindRateLimit {
		t.Fatalf("traced %+v", traced)
	}
	rl := notices[0].Err.RateLimit
	if rl == nil || rl.LimitMinute != 100 || rl.RemainingMinute != 0 || rl.LimitDay != 1200 || rl.RemainingDay != 800 ||
		rl.Tier != "free" || rl.Reset.Unix() != 1900000000 {
		t.Fatalf("rate limit info %+v", rl)
	}
}

func TestRetryAfterVariants(t *testing.T) {
	date := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		name    string
		headers map[string]string
		min     time.Duration
		max     time.Duration
	}{
		{"retry-after-ms wins", map[string]string{"Retry-After-Ms": "1500", "Retry-After": "9"}, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second, 7 * time.Second},
		{"HTTP date", map[string]string{"Retry-After": date}, 17 * time.Second, 21 * time.Second},
		{"garbage falls back to backoff", map[string]string{"Retry-After": "soon"}, 500 * time.Millisecond, 500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			rep := L.JSON(503, `{"error":{"message":"busy"}}`)
			rep.Header = tc.headers
			f.srv.Chat(rep, L.Stream("ok"))
			if _, _, err := f.stream(t, context.Background()); err != nil {
				t.Fatal(err)
			}
			got := f.sleeps.all()
			if len(got) != 1 || got[0] < tc.min || got[0] > tc.max {
				t.Fatalf("waited %v, want between %v and %v", got, tc.min, tc.max)
			}
		})
	}
}

func TestRetryAfterLongerThanCapIsReportedNotRetried(t *testing.T) {
	f := newFixture(t)
	rep := L.JSON(429, `{"error":{"message":"Daily limit reached","type":"rate_limit_error"}}`)
	rep.Header = map[string]string{"Retry-After": "3600"}
	f.srv.Chat(rep, L.Stream("never"))
	_, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
	e := asError(t, err)
	if e.Kind != KindRateLimit || e.RetryAfter != time.Hour || !strings.Contains(e.Error(), "try again in 1h0m0s") {
		t.Fatalf("%v (retry after %v)", e, e.RetryAfter)
	}
	if n := f.srv.Count(L.ChatPath); n != 1 || len(f.sleeps.all()) != 0 {
		t.Fatalf("%d requests, sleeps %v", n, f.sleeps.all())
	}
}

func TestServerErrorsBackOffThenGiveUp(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		f.srv.Chat(L.JSON(500, `{"error":{"message":"boom","type":"server_error"}}`))
	}
	_, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
	e := asError(t, err)
	if e.Kind != KindServer || e.Status != 500 || !e.Retryable {
		t.Fatalf("%v", e)
	}
	if n := f.srv.Count(L.ChatPath); n != 3 {
		t.Fatalf("%d requests, want 1 + 2 retries", n)
	}
	if got := f.sleeps.all(); !reflect.DeepEqual(got, []time.Duration{500 * time.Millisecond, time.Second}) {
		t.Fatalf("backoff %v", got)
	}
}

func TestBackoffScheduleAndJitter(t *testing.T) {
	c := New(WithJitter(func() float64 { return 0.999 }))
	c2 := New(WithJitter(func() float64 { return 0 }))
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, w := range want {
		d, _ := c2.retryDelay(i, &Error{})
		if d != w {
			t.Errorf("attempt %d: %v, want %v", i, d, w)
		}
		dj, _ := c.retryDelay(i, &Error{})
		if dj > w || dj < w*3/4 {
			t.Errorf("attempt %d with jitter: %v not within 75%%..100%% of %v", i, dj, w)
		}
	}
}

func TestRetryableStatuses(t *testing.T) {
	for _, st := range []int{408, 409, 429, 500, 502, 503, 504} {
		f := newFixture(t)
		f.srv.Chat(L.JSON(st, `{}`), L.Stream("ok"))
		if _, _, err := f.stream(t, context.Background()); err != nil {
			t.Fatalf("status %d: %v", st, err)
		}
		if n := f.srv.Count(L.ChatPath); n != 2 {
			t.Fatalf("status %d: %d requests, want 2", st, n)
		}
	}
}

func TestConnectionErrorBeforeHeadersIsRetried(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.Reply{DropBeforeHeaders: true}, L.Stream("recovered"))
	evs, _, err := f.stream(t, context.Background())
	if err != nil || summary(evs) != "role:assistant content:recovered finish:stop" {
		t.Fatalf("%q %v", summary(evs), err)
	}
	if n := f.srv.Count(L.ChatPath); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	f := newFixture(t, WithRetryPolicy(RetryPolicy{MaxRetries: 1}))
	f.srv.Close()
	_, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
	e := asError(t, err)
	if e.Kind != KindNetwork || !e.Retryable || !strings.Contains(e.Error(), "cannot reach the server") {
		t.Fatalf("%v", e)
	}
	if len(f.sleeps.all()) != 1 {
		t.Fatalf("sleeps %v, want one retry", f.sleeps.all())
	}
}

func TestNoRetries(t *testing.T) {
	f := newFixture(t, WithRetryPolicy(RetryPolicy{MaxRetries: NoRetries}))
	f.srv.Chat(L.JSON(500, `{}`), L.Stream("x"))
	if _, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi")); err == nil {
		t.Fatal("no error")
	}
	if n := f.srv.Count(L.ChatPath); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.JSON(500, `{}`), L.Stream("x"))
	ctx, cancel := context.WithCancel(context.Background())
	c := New(WithSleep(func(ctx context.Context, d time.Duration) error { cancel(); return sleepContext(ctx, d) }))
	_, err := c.Stream(ctx, f.p, testKey, userRequest("hi"))
	if e := asError(t, err); e.Kind != KindCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
	if n := f.srv.Count(L.ChatPath); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

func TestKeyNeverInErrorText(t *testing.T) {
	echo := `{"error":{"message":"Incorrect API key provided: ` + testKey + `","type":"invalid_request_error","code":"` + testKey + `"}}`
	f := newFixture(t)
	f.srv.Chat(L.JSON(401, echo))
	f.srv.Chat(L.SSE(L.Data(echo)))
	f.srv.Chat(L.SSE(L.Raw("event: error\ndata: key " + testKey + " refused\n\n")))
	f.srv.Chat(L.SSE(L.Data(`{"broken ` + testKey)))
	f.srv.Chat(L.Reply{Status: 400, ContentType: "text/plain", Body: "bad key " + testKey})
	for i := range 5 {
		_, _, err := f.stream(t, context.Background())
		e := asError(t, err) // fails when the key is in the text
		if strings.Contains(e.Code, testKey) || strings.Contains(e.Type, testKey) {
			t.Fatalf("case %d: key in code or type", i)
		}
		if !strings.Contains(e.Error(), "[redacted]") {
			t.Fatalf("case %d: %q should show where the key was removed", i, e.Error())
		}
	}
}

func TestAuthStyles(t *testing.T) {
	cases := []struct {
		auth         AuthStyle
		apiKey, bear string
	}{
		{AuthXAPIKey, testKey, ""},
		{AuthBearer, "", "Bearer " + testKey},
		{AuthNone, "", ""},
	}
	for _, tc := range cases {
		f := newFixture(t)
		f.p.Auth = tc.auth
		f.p.Headers = map[string]string{"HTTP-Referer": "https://murmur.app", "X-Title": "Murmur"}
		f.srv.Chat(L.Stream("x"))
		if _, _, err := f.stream(t, context.Background()); err != nil {
			t.Fatal(err)
		}
		h := f.srv.Requests()[0].Header
		if h.Get("X-Api-Key") != tc.apiKey || h.Get("Authorization") != tc.bear {
			t.Errorf("%s: x-api-key %q authorization %q", tc.auth, h.Get("X-Api-Key"), h.Get("Authorization"))
		}
		if h.Get("X-Title") != "Murmur" || h.Get("HTTP-Referer") != "https://murmur.app" || h.Get("Accept") != "text/event-stream" {
			t.Errorf("%s: extra headers %v", tc.auth, h)
		}
	}
}

func TestSwarmsHostDefaultsToXAPIKey(t *testing.T) {
	if (Provider{BaseURL: "https://api.swarms.world"}).authStyle() != AuthXAPIKey ||
		(Provider{BaseURL: "https://api.openai.com/v1"}).authStyle() != AuthBearer {
		t.Fatal("default auth styles")
	}
	if Swarms().Auth != AuthXAPIKey || Swarms().BaseURL != "https://api.swarms.world/v1" {
		t.Fatal("Swarms provider")
	}
}

func TestKeySource(t *testing.T) {
	f := newFixture(t)
	calls := 0
	c := New(WithKeySource(func(ctx context.Context, p Provider) (string, error) {
		calls++
		if p.ID != "fake" {
			t.Errorf("asked for %q", p.ID)
		}
		return "from-keychain", nil
	}))
	f.srv.Chat(L.Stream("x"))
	s, err := c.Stream(context.Background(), f.p, "", userRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if calls != 1 || f.srv.Requests()[0].Header.Get("Authorization") != "Bearer from-keychain" {
		t.Fatalf("calls %d header %q", calls, f.srv.Requests()[0].Header.Get("Authorization"))
	}
	// No key anywhere: a clear error and no request.
	_, err = New().Stream(context.Background(), f.p, "", userRequest("hi"))
	if e := asError(t, err); e.Kind != KindAuth || !strings.Contains(e.Error(), "no API key is set for fake") {
		t.Fatalf("%v", err)
	}
	failing := New(WithKeySource(func(context.Context, Provider) (string, error) { return "", errors.New("keychain locked") }))
	_, err = failing.Stream(context.Background(), f.p, "", userRequest("hi"))
	if e := asError(t, err); e.Kind != KindAuth || !strings.Contains(e.Error(), "keychain locked") {
		t.Fatalf("%v", err)
	}
	if n := f.srv.Count(L.ChatPath); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

func TestRedirects(t *testing.T) {
	other := L.NewServer()
	defer other.Close()
	other.Chat(L.Stream("elsewhere"))
	f := newFixture(t)
	f.p.Auth = AuthXAPIKey
	f.srv.Chat(L.Reply{Redirect: other.URL + "/chat/completions"})
	if _, _, err := f.stream(t, context.Background()); err != nil {
		t.Fatal(err)
	}
	h := other.Requests()[0].Header
	if h.Get("X-Api-Key") != "" || h.Get("Authorization") != "" {
		t.Fatalf("key followed a redirect to another origin: %v", h)
	}
	// Same origin: the key is kept.
	f.srv.Chat(L.Reply{Redirect: f.srv.URL + "/v2/chat"})
	f.srv.Enqueue("/v1/v2/chat", L.Stream("moved"))
	if _, _, err := f.stream(t, context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := f.srv.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "/v1/v2/chat" || last.Header.Get("X-Api-Key") != testKey || string(last.Body) == "" {
		t.Fatalf("same-origin redirect: path %s key %q body %q", last.Path, last.Header.Get("X-Api-Key"), last.Body)
	}
}

func TestRequestBodySendsOnlySetFields(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.Stream("x"), L.Stream("y"))
	if _, _, err := f.stream(t, context.Background()); err != nil {
		t.Fatal(err)
	}
	got := f.srv.Requests()[0].JSON()
	want := map[string]any{"model": "fake-model", "stream": true,
		"messages": []any{map[string]any{"role": "user", "content": "hello"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("minimal body\n got %v\nwant %v", got, want)
	}
	req := &Request{
		Model: "m",
		Messages: []Message{
			TextMessage(RoleSystem, "be brief"),
			{Role: RoleUser, Name: "ann", Content: contentParts()},
		},
		Temperature: Ptr(0.0), TopP: Ptr(0.9), N: Ptr(1), MaxTokens: Ptr(100), MaxCompletionTokens: Ptr(50),
		PresencePenalty: Ptr(0.5), FrequencyPenalty: Ptr(-0.5), User: Ptr("u1"), MaxLoops: Ptr(2),
		StreamOptions: &StreamOptions{IncludeUsage: true},
	}
	f.p.ExtraBody = map[string]json.RawMessage{"max_loops": json.RawMessage(`7`), "top_k": json.RawMessage(`40`)}
	s, err := f.client.Stream(context.Background(), f.p, testKey, req)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	got = f.srv.Requests()[1].JSON()
	want = map[string]any{
		"model": "m", "stream": true, "temperature": 0.0, "top_p": 0.9, "n": 1.0, "max_tokens": 100.0,
		"max_completion_tokens": 50.0, "presence_penalty": 0.5, "frequency_penalty": -0.5, "user": "u1",
		"max_loops": 2.0, "top_k": 40.0, "stream_options": map[string]any{"include_usage": true},
		"messages": []any{
			map[string]any{"role": "system", "content": "be brief"},
			map[string]any{"role": "user", "name": "ann", "content": []any{
				map[string]any{"type": "text", "text": "what is this?"},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": "data:image/png;base64,AAAA"}},
			}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("full body\n got %v\nwant %v", got, want)
	}
}

func TestRequestValidation(t *testing.T) {
	f := newFixture(t)
	cases := map[string]*Request{
		"no model":     {Messages: []Message{TextMessage(RoleUser, "x")}},
		"no messages":  {Model: "m"},
		"unknown role": {Model: "m", Messages: []Message{TextMessage("robot", "x")}},
	}
	for name, req := range cases {
		_, err := f.client.Stream(context.Background(), f.p, testKey, req)
		if e := asError(t, err); e.Kind != KindConfig {
			t.Errorf("%s: %v", name, err)
		}
	}
	f.p.ExtraBody = map[string]json.RawMessage{"x": json.RawMessage(`{bad`)}
	if _, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("x")); asError(t, err).Kind != KindConfig {
		t.Errorf("bad extra body: %v", err)
	}
	if n := f.srv.Count(L.ChatPath); n != 0 {
		t.Fatalf("%d requests sent for invalid input", n)
	}
}

func TestBaseURLs(t *testing.T) {
	good := map[string]string{
		"https://api.swarms.world":     "https://api.swarms.world/v1",
		"https://api.swarms.world/":    "https://api.swarms.world/v1",
		"https://api.openai.com/v1":    "https://api.openai.com/v1",
		" http://localhost:11434/v1 ":  "http://localhost:11434/v1",
		"https://openrouter.ai/api/v1": "https://openrouter.ai/api/v1",
	}
	for in, want := range good {
		u, err := ParseBaseURL(in)
		if err != nil || u.String() != want {
			t.Errorf("%q: %v %v", in, u, err)
		}
	}
	for _, bad := range []string{"", "ftp://x", "api.openai.com", "https://user:pw@x.com/v1", "https://x.com/v1?key=1", "http://"} {
		if _, err := ParseBaseURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if w := InsecureWarning("http://example.com/v1"); !strings.Contains(w, "plain http") {
		t.Errorf("no warning for plain http: %q", w)
	}
	for _, ok := range []string{"https://example.com", "http://localhost:8080", "http://127.0.0.1:1/v1", "http://[::1]:5/v1"} {
		if w := InsecureWarning(ok); w != "" {
			t.Errorf("%s: unexpected warning %q", ok, w)
		}
	}
}
