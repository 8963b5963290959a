package llm

import (
	"context"
	"strings"
	"testing"

	L "murmur/backend/llm/llmtest"
)

func TestComplete(t *testing.T) {
	f := newFixture(t)
	rep := L.JSON(200, L.Completion("Hello there", 4, 2))
	rep.Header = map[string]string{"X-Request-Id": "req_1"}
	f.srv.Chat(rep)
	req := userRequest("hi")
	req.Stream = Ptr(true) // Complete never streams
	c, err := f.client.Complete(context.Background(), f.p, testKey, req)
	if err != nil {
		t.Fatal(err)
	}
	if c.Text() != "Hello there" || c.Usage == nil || c.Usage.TotalTokens != 6 || c.RequestID != "req_1" ||
		c.Choices[0].FinishReason != "stop" || c.Choices[0].Role != "assistant" || c.Model != "fake-model" {
		t.Fatalf("%+v", c)
	}
	body := f.srv.Requests()[0].JSON()
	if body["stream"] != false {
		t.Fatalf("stream field %v", body["stream"])
	}
	if f.srv.Requests()[0].Header.Get("Accept") != "application/json" {
		t.Fatal("accept header")
	}
}

func TestCompleteVariants(t *testing.T) {
	cases := []struct {
		name, body        string
		text, reasoning   string
		gzip, errExpected bool
		kind              ErrorKind
	}{
		{"reasoning_content and content parts", `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"text","text":"part one"}],"reasoning_content":"why"},"finish_reason":"stop"}]}`,
			"part one", "why", false, false, ""},
		{"content null", `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"length"}],"usage":{"prompt_tokens":1}}`,
			"", "", false, false, ""},
		{"gzip-compressed body", L.Completion(strings.Repeat("long answer ", 100), 1, 1), strings.Repeat("long answer ", 100), "", true, false, ""},
		{"error inside a 200", `{"error":{"message":"model overloaded","type":"server_error"}}`, "", "", false, true, KindServer},
		{"FastAPI detail inside a 200", `{"detail":"agent failed"}`, "", "", false, true, KindServer},
		{"not JSON", `<html>oops</html>`, "", "", false, true, KindBadResponse},
		{"no choices", `{"id":"x"}`, "", "", false, true, KindBadResponse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			rep := L.JSON(200, tc.body)
			rep.Gzip = tc.gzip
			f.srv.Chat(rep)
			c, err := f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
			if tc.errExpected {
				if e := asError(t, err); e.Kind != tc.kind {
					t.Fatalf("kind %s: %v", e.Kind, e)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Text() != tc.text || c.Choices[0].Reasoning != tc.reasoning {
				t.Fatalf("text %q reasoning %q", c.Text(), c.Choices[0].Reasoning)
			}
		})
	}
}

func TestCompleteReadsAnEventStreamAnswer(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.SSE(L.Data(L.RoleChunk()), L.Data(L.DeltaChunk(0, "reasoning", "r")), L.Data(L.ContentChunk("a")),
		L.Data(L.ContentChunk("b")), L.Data(L.FinishChunk("stop")), L.Data(L.UsageChunk(1, 2)), L.Done()))
	c, err := f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Text() != "ab" || c.Choices[0].Reasoning != "r" || c.Usage.TotalTokens != 3 || c.ID != L.ChunkID {
		t.Fatalf("%+v", c)
	}
}

func TestCompleteRetriesAndErrors(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.JSON(502, `bad gateway`), L.JSON(200, L.Completion("ok", 1, 1)))
	c, err := f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
	if err != nil || c.Text() != "ok" {
		t.Fatalf("%v %v", c, err)
	}
	f.srv.Chat(L.JSON(401, `{"detail":"Invalid API key"}`))
	_, err = f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
	if e := asError(t, err); e.Kind != KindAuth || !strings.Contains(e.Error(), "Invalid API key") {
		t.Fatalf("%v", err)
	}
}

func TestListModels(t *testing.T) {
	f := newFixture(t)
	f.srv.Enqueue("/v1/models", L.JSON(200, L.ModelList("gpt-4o", "claude", "gpt-4o")))
	ms, err := f.client.ListModels(context.Background(), f.p, testKey)
	if err != nil || len(ms) != 2 || ms[0].ID != "claude" || ms[1].ID != "gpt-4o" || ms[1].OwnedBy != "fake" || ms[1].Created != 1700000000 {
		t.Fatalf("%+v %v", ms, err)
	}
	if f.srv.Requests()[0].Method != "GET" || f.srv.Requests()[0].Header.Get("Authorization") != "Bearer "+testKey {
		t.Fatal("request")
	}
}

func TestListModelsFallsBackToAvailable(t *testing.T) {
	f := newFixture(t)
	f.srv.Enqueue("/v1/models", L.JSON(404, `{"detail":"Not Found"}`))
	f.srv.Enqueue("/v1/models/available", L.JSON(200, `{"success":true,"count":2,"models":["openrouter/x","gpt-4o-mini"]}`))
	ms, err := f.client.ListModels(context.Background(), f.p, testKey)
	if err != nil || len(ms) != 2 || ms[0].ID != "gpt-4o-mini" || ms[1].ID != "openrouter/x" {
		t.Fatalf("%+v %v", ms, err)
	}
	// An empty /models list also falls back.
	f.srv.Enqueue("/v1/models", L.JSON(200, `{"object":"list","data":[]}`))
	f.srv.Enqueue("/v1/models/available", L.JSON(200, `{"models":["only"]}`))
	if ms, err := f.client.ListModels(context.Background(), f.p, testKey); err != nil || len(ms) != 1 {
		t.Fatalf("%+v %v", ms, err)
	}
	// Auth failures are reported, not hidden by the fallback.
	f.srv.Enqueue("/v1/models", L.JSON(401, `{"detail":"bad key"}`))
	if _, err := f.client.ListModels(context.Background(), f.p, testKey); asError(t, err).Kind != KindAuth {
		t.Fatalf("%v", err)
	}
	// Both missing: the 404 of /models is reported.
	f.srv.Enqueue("/v1/models", L.JSON(404, `{}`))
	f.srv.Enqueue("/v1/models/available", L.JSON(404, `{}`))
	if _, err := f.client.ListModels(context.Background(), f.p, testKey); asError(t, err).Status != 404 {
		t.Fatalf("%v", err)
	}
}

func TestCreditsAndRateLimits(t *testing.T) {
	f := newFixture(t)
	f.srv.Enqueue("/v1/account/credits", L.JSON(200, `{"credit":1.5,"free_credit":2,"referral_credits":0.25,"total_credits":3.75}`))
	cr, err := f.client.Credits(context.Background(), f.p, testKey)
	if err != nil || *cr != (Credits{Credit: 1.5, FreeCredit: 2, ReferralCredits: 0.25, TotalCredits: 3.75}) {
		t.Fatalf("%+v %v", cr, err)
	}
	shapes := []string{
		`{"success":true,"rate_limits":{"minute":{"count":3,"limit":100,"exceeded":false,"remaining":97,"reset_time":"2026-01-01T00:01:00Z"},"hour":{"count":4,"limit":2000,"exceeded":false,"remaining":1996,"reset_time":"x"},"day":{"count":5,"limit":1200,"exceeded":true,"remaining":0,"reset_time":"y"}},"tier":"free"}`,
		`{"minute":{"count":3,"limit":100,"exceeded":false,"remaining":97,"reset_time":"2026-01-01T00:01:00Z"},"hour":{"count":4,"limit":2000,"remaining":1996,"reset_time":"x"},"day":{"count":5,"limit":1200,"exceeded":true,"remaining":0,"reset_time":"y"},"tier":"free"}`,
	}
	for _, body := range shapes {
		f.srv.Enqueue("/v1/rate/limits", L.JSON(200, body))
		rl, err := f.client.RateLimits(context.Background(), f.p, testKey)
		if err != nil || rl.Minute.Remaining != 97 || rl.Minute.ResetTime != "2026-01-01T00:01:00Z" || rl.Hour.Limit != 2000 ||
			!rl.Day.Exceeded || rl.Tier != "free" {
			t.Fatalf("%+v %v", rl, err)
		}
	}
	f.srv.Enqueue("/v1/rate/limits", L.JSON(200, `{"nothing":1}`))
	if _, err := f.client.RateLimits(context.Background(), f.p, testKey); asError(t, err).Kind != KindBadResponse {
		t.Fatalf("%v", err)
	}
}

func TestErrorInfoForConversations(t *testing.T) {
	f := newFixture(t)
	rep := L.JSON(402, `{"detail":"Insufficient credits"}`)
	rep.Header = map[string]string{"X-Request-Id": "r9"}
	f.srv.Chat(rep)
	_, err := f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
	info := asError(t, err).Info()
	if info.Kind != "credits" || info.Status != 402 || info.RequestID != "r9" || info.Retryable || !strings.Contains(info.Message, "Insufficient credits") {
		t.Fatalf("%+v", info)
	}
}
