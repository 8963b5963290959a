package llm

import (
	"context"
	"strings"
	"testing"

	L "murmur/backend/llm/llmtest"
)

// Cases a review found: each of these failed before its fix.

func TestProviderHeadersDoNotFollowACrossOriginRedirect(t *testing.T) {
	other := L.NewServer()
	defer other.Close()
	other.Chat(L.Stream("elsewhere"))
	f := newFixture(t)
	f.p.Headers = map[string]string{"X-Custom": "Bearer sk-hidden-token", "HTTP-Referer": "https://murmur.app"}
	f.srv.Chat(L.Reply{Redirect: other.URL + "/chat/completions"})
	if _, _, err := f.stream(t, context.Background()); err != nil {
		t.Fatal(err)
	}
	h := other.Requests()[0].Header
	if h.Get("X-Custom") != "" || h.Get("HTTP-Referer") != "" || h.Get("Authorization") != "" {
		t.Fatalf("provider headers reached another origin: %v", h)
	}
}

func TestKeyAcrossTheCutOfAnErrorTextIsRedacted(t *testing.T) {
	f := newFixture(t)
	pad := strings.Repeat("a", 290)
	f.srv.Chat(L.SSE(L.Raw("event: error\ndata: " + pad + " " + testKey + " refused\n\n")))
	f.srv.Chat(L.SSE(L.Data(`{"broken ` + pad + " " + testKey)))
	for i := range 2 {
		_, _, err := f.stream(t, context.Background())
		e := asError(t, err)
		if strings.Contains(e.Error(), testKey[:8]) {
			t.Fatalf("case %d: the start of the key survived: %q", i, e.Error())
		}
	}
}

func TestAbsurdRetryAfterIsRefusedNotRetried(t *testing.T) {
	for _, v := range []string{"1e30", "99999999999", "+Inf"} {
		f := newFixture(t)
		rep := L.JSON(429, `{"error":{"message":"slow down","type":"rate_limit_error"}}`)
		rep.Header = map[string]string{"Retry-After": v}
		f.srv.Chat(rep, L.Stream("never"))
		_, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
		e := asError(t, err)
		if e.Kind != KindRateLimit || e.RetryAfter <= 0 {
			t.Errorf("Retry-After %s: %v (retry after %v)", v, e, e.RetryAfter)
		}
		if n := f.srv.Count(L.ChatPath); n != 1 {
			t.Errorf("Retry-After %s: %d requests, want no retry", v, n)
		}
	}
}

func TestEmptyDataEventIsAKeepAlive(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.SSE(L.Data(L.RoleChunk()), L.Raw("data:\n\n"), L.Data(L.ContentChunk("fine")), L.Data(L.FinishChunk("stop")), L.Done()))
	evs, _, err := f.stream(t, context.Background())
	if err != nil {
		t.Fatalf("an empty data event broke the stream: %v", err)
	}
	if got := summary(evs); !strings.Contains(got, "content:fine") {
		t.Fatalf("events %s", got)
	}
}
