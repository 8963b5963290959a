package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	L "murmur/backend/llm/llmtest"
)

// TestStreamVariations drives every server variation of streaming.md
// through the client.
func TestStreamVariations(t *testing.T) {
	cases := []struct {
		name  string
		reply L.Reply
		want  string
		kind  ErrorKind // "" for a normal end
	}{
		{"well formed", L.Stream("Hel", "lo"),
			"role:assistant content:Hel content:lo finish:stop", ""},
		{"keep-alive comments are ignored", L.SSE(L.Comment("OPENROUTER PROCESSING"), L.Data(L.RoleChunk()), L.Comment("keep-alive"),
			L.Data(L.ContentChunk("a")), L.Raw(":ping\n\n"), L.Data(L.FinishChunk("stop")), L.Done()),
			"role:assistant content:a finish:stop", ""},
		{"Azure empty first chunk", L.SSE(
			L.Data(`{"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}`),
			L.Data(L.ContentChunk("x")), L.Data(L.FinishChunk("stop")), L.Done()),
			"content:x finish:stop", ""},
		{"usage-only last chunk", L.SSE(L.Data(L.ContentChunk("x")), L.Data(L.FinishChunk("stop")), L.Data(L.UsageChunk(5, 7)), L.Done()),
			"content:x finish:stop usage:5/7/12", ""},
		{"role on every chunk is reported once", L.SSE(
			L.Data(`{"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":"x"}}]}`),
			L.Data(`{"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":"y"}}]}`),
			L.Data(`{"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}`)),
			"role:assistant content:x content:y finish:stop", ""},
		{"content null and timings (llama.cpp)", L.SSE(
			L.Data(`{"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}`),
			L.Data(`{"id":"a","choices":[{"index":0,"delta":{"content":"ok"}}],"timings":{"predicted_ms":1.5}}`),
			L.Data(`{"id":"a","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`), L.Done()),
			"role:assistant content:ok finish:stop usage:1/1/2", ""},
		{"missing [DONE] after a finish reason is a normal end", L.SSE(L.Data(L.ContentChunk("x")), L.Data(L.FinishChunk("length"))),
			"content:x finish:length", ""},
		{"missing [DONE] before a finish reason is a truncated answer", L.SSE(L.Data(L.RoleChunk()), L.Data(L.ContentChunk("x"))),
			"role:assistant content:x", KindTruncated},
		{"reasoning_content (DeepSeek)", L.SSE(L.Data(L.DeltaChunk(0, "reasoning_content", "think")), L.Data(L.ContentChunk("say")), L.Data(L.FinishChunk("stop"))),
			"reasoning:think content:say finish:stop", ""},
		{"reasoning (vLLM, Ollama, OpenRouter)", L.SSE(L.Data(L.DeltaChunk(0, "reasoning", "hmm")), L.Data(L.ContentChunk("ok")), L.Data(L.FinishChunk("stop"))),
			"reasoning:hmm content:ok finish:stop", ""},
		{"n=2 interleaved choices", L.SSE(L.Data(L.DeltaChunk(0, "content", "a")), L.Data(L.DeltaChunk(1, "content", "b")),
			L.Data(`{"choices":[{"index":1,"delta":{},"finish_reason":"stop"},{"index":0,"delta":{},"finish_reason":"length"}]}`), L.Done()),
			"content:a 1.content:b 1.finish:stop finish:length", ""},
		{"continuous usage stats: each one reported, last kept", L.SSE(
			L.Data(`{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`),
			L.Data(`{"choices":[{"index":0,"delta":{"content":"b"}}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}`),
			L.Data(L.FinishChunk("stop")), L.Done()),
			"content:a usage:3/1/4 content:b usage:3/2/5 finish:stop", ""},
		{"escapes and non-ASCII", L.SSE(L.Data(`{"choices":[{"index":0,"delta":{"content":"line\n\"q\" \u00e9 \ud83d\ude00 ☃ \/"}}]}`), L.Data(L.FinishChunk("stop"))),
			"content:line\n\"q\" é 😀 ☃ / finish:stop", ""},
		{"invalid UTF-8 becomes U+FFFD", L.SSE(L.Raw("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\xffb\xe2\x82\"}}]}\n\n"), L.Data(L.FinishChunk("stop"))),
			"content:a\uFFFDb\uFFFD\uFFFD finish:stop", ""},
		{"refusal", L.SSE(L.Data(L.DeltaChunk(0, "refusal", "I can't")), L.Data(L.FinishChunk("stop"))),
			"refusal:I can't finish:stop", ""},
		{"a chunk split over several data lines", L.SSE(L.Raw("data: {\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"joined\"}}]}\n\n"), L.Data(L.FinishChunk("stop"))),
			"content:joined finish:stop", ""},
		{"CRLF line ends and a BOM", L.SSE(L.Raw("\uFEFFdata: " + L.ContentChunk("x") + "\r\n\r\ndata: " + L.FinishChunk("stop") + "\r\n\r\n")),
			"content:x finish:stop", ""},
		{"unknown event types are ignored", L.SSE(L.Raw("event: ping\ndata: {}\n\n"), L.Data(L.ContentChunk("x")), L.Data(L.FinishChunk("stop"))),
			"content:x finish:stop", ""},
		{"in-band OpenAI error object then [DONE]", L.SSE(L.Data(L.ContentChunk("x")),
			L.Data(`{"error":{"message":"upstream overloaded","type":"server_error","param":null,"code":"overloaded"}}`), L.Done()),
			"content:x", KindServer},
		{"in-band error with an integer code (vLLM)", L.SSE(L.Data(`{"error":{"message":"context too long","type":"BadRequestError","code":400}}`)),
			"", KindServer},
		{"event: error", L.SSE(L.Data(L.ContentChunk("x")), L.Raw("event: error\ndata: {\"error\":{\"message\":\"stream failed\"}}\n\n")),
			"content:x", KindServer},
		{"OpenRouter error next to finish_reason error", L.SSE(L.Data(L.ContentChunk("x")),
			L.Data(`{"id":"gen-1","choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}],"error":{"code":502,"message":"Provider returned error"}}`)),
			"content:x", KindServer},
		{"older vLLM object error", L.SSE(L.Data(`{"object":"error","message":"model not loaded","type":"NotFoundError","code":404}`)),
			"", KindServer},
		{"in-band rate limit error", L.SSE(L.Data(`{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}`)),
			"", KindRateLimit},
		{"invalid JSON chunk", L.SSE(L.Data(L.ContentChunk("x")), L.Data(`{"choices":[`)), "content:x", KindBadResponse},
		{"empty stream", L.SSE(), "", KindTruncated},
		{"connection dropped mid-stream", L.SSE(L.Data(L.RoleChunk()), L.Data(L.ContentChunk("x")), L.Drop()),
			"role:assistant content:x", KindNetwork},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.srv.Chat(tc.reply)
			evs, _, err := f.stream(t, context.Background())
			if got := summary(evs); got != tc.want {
				t.Errorf("events\n got %q\nwant %q", got, tc.want)
			}
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
			} else {
				e := asError(t, err)
				if e.Kind != tc.kind {
					t.Fatalf("kind %s (%v), want %s", e.Kind, e, tc.kind)
				}
				if e.Partial != (len(evs) > 0) {
					t.Errorf("Partial = %v with %d events delivered", e.Partial, len(evs))
				}
				if e.Message == "" {
					t.Error("empty message")
				}
			}
			if n := f.srv.Count(L.ChatPath); n != 1 {
				t.Errorf("%d requests sent, want 1 (a stream is never replayed)", n)
			}
		})
	}
}

func TestStreamErrorMessagesAreReadable(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.SSE(L.Data(`{"error":{"message":"upstream overloaded","type":"server_error","code":"overloaded"}}`), L.Done()))
	_, _, err := f.stream(t, context.Background())
	e := asError(t, err)
	if !strings.Contains(e.Error(), "upstream overloaded") || e.Code != "overloaded" || e.Status != 200 {
		t.Fatalf("error %q code %q status %d", e.Error(), e.Code, e.Status)
	}
}

func TestStreamMetadata(t *testing.T) {
	f := newFixture(t)
	rep := L.Stream("hi")
	rep.Header = map[string]string{"X-Request-Id": "req_42"}
	rep.Steps = append(rep.Steps[:len(rep.Steps)-1], L.Data(L.UsageChunk(2, 1)), L.Done())
	f.srv.Chat(rep)
	_, s, err := f.stream(t, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, ok := s.Usage()
	if s.ID() != L.ChunkID || s.Model() != "fake-model" || s.FinishReason() != "stop" || s.RequestID() != "req_42" || !ok || u.TotalTokens != 3 {
		t.Fatalf("id %q model %q finish %q request %q usage %+v %v", s.ID(), s.Model(), s.FinishReason(), s.RequestID(), u, ok)
	}
}

func TestSwarmsLongSilenceBeforeFirstByte(t *testing.T) {
	// Swarms runs the whole agent before answering: a first-byte delay longer
	// than the idle timeout must not fail while under the first-data timeout.
	f := newFixture(t, WithTimeouts(Timeouts{FirstData: 3 * time.Second, Idle: 100 * time.Millisecond}))
	rep := L.Stream("late", " but fine")
	rep.Delay = 300 * time.Millisecond
	f.srv.Chat(rep)
	evs, _, err := f.stream(t, context.Background())
	if err != nil || summary(evs) != "role:assistant content:late content: but fine finish:stop" {
		t.Fatalf("%q %v", summary(evs), err)
	}
	// And a silent body after early headers counts against FirstData too.
	f.srv.Chat(L.SSE(L.Wait(300*time.Millisecond), L.Data(L.ContentChunk("x")), L.Data(L.FinishChunk("stop"))))
	if evs, _, err := f.stream(t, context.Background()); err != nil || len(evs) != 2 {
		t.Fatalf("%q %v", summary(evs), err)
	}
}

func TestFirstDataTimeout(t *testing.T) {
	f := newFixture(t, WithTimeouts(Timeouts{FirstData: 150 * time.Millisecond, Idle: 5 * time.Second}))
	for _, rep := range []L.Reply{
		{Delay: 2 * time.Second, Steps: []L.Step{L.Data(L.ContentChunk("x"))}},                    // no headers
		L.SSE(L.Comment("waiting"), L.Wait(100*time.Millisecond), L.Comment("waiting"), L.Hang()), // headers, comments, no data
	} {
		f.srv.Chat(rep)
		start := time.Now()
		_, _, err := f.stream(t, context.Background())
		e := asError(t, err)
		if e.Kind != KindTimeout || e.Retryable {
			t.Fatalf("kind %s retryable %v: %v", e.Kind, e.Retryable, e)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Fatalf("timeout took %v", d)
		}
	}
	if n := f.srv.Count(L.ChatPath); n != 2 {
		t.Fatalf("%d requests, want 2 (timeouts are not retried)", n)
	}
}

func TestIdleTimeoutIsNotResetByComments(t *testing.T) {
	f := newFixture(t, WithTimeouts(Timeouts{FirstData: 5 * time.Second, Idle: 200 * time.Millisecond}))
	steps := []L.Step{L.Data(L.RoleChunk()), L.Data(L.ContentChunk("x"))}
	for range 20 {
		steps = append(steps, L.After(50*time.Millisecond, L.Comment("keep-alive")))
	}
	steps = append(steps, L.Data(L.FinishChunk("stop")))
	f.srv.Chat(L.SSE(steps...))
	start := time.Now()
	evs, _, err := f.stream(t, context.Background())
	e := asError(t, err)
	if e.Kind != KindTimeout || !e.Partial || summary(evs) != "role:assistant content:x" {
		t.Fatalf("kind %s partial %v events %q: %v", e.Kind, e.Partial, summary(evs), e)
	}
	if !strings.Contains(e.Error(), "200ms") {
		t.Errorf("message %q does not say how long it waited", e.Error())
	}
	if d := time.Since(start); d > 800*time.Millisecond {
		t.Fatalf("idle timeout fired after %v; comments kept the stream alive", d)
	}
}

func TestSteadyDataKeepsStreamAlive(t *testing.T) {
	f := newFixture(t, WithTimeouts(Timeouts{FirstData: 5 * time.Second, Idle: 200 * time.Millisecond}))
	steps := []L.Step{}
	for range 8 {
		steps = append(steps, L.After(60*time.Millisecond, L.Data(L.ContentChunk("."))))
	}
	steps = append(steps, L.Data(L.FinishChunk("stop")))
	f.srv.Chat(L.SSE(steps...))
	evs, _, err := f.stream(t, context.Background())
	if err != nil || len(evs) != 9 {
		t.Fatalf("%d events, %v (total time exceeds the idle timeout, but no gap does)", len(evs), err)
	}
}

func TestCancelStopsAtOnce(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.SSE(L.Data(L.RoleChunk()), L.Data(L.ContentChunk("x")), L.Hang()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := f.client.Stream(ctx, f.p, testKey, userRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	for s.Next() {
		n++
		if n == 2 {
			time.AfterFunc(20*time.Millisecond, cancel)
		}
	}
	e := asError(t, s.Err())
	if e.Kind != KindCanceled || !errors.Is(e, context.Canceled) || !e.Partial {
		t.Fatalf("kind %s partial %v: %v", e.Kind, e.Partial, e)
	}
}

func TestCancelWhileWaitingForHeaders(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.Reply{Delay: 5 * time.Second, Steps: []L.Step{L.Data(L.ContentChunk("x"))}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.client.Stream(ctx, f.p, testKey, userRequest("hi"))
	e := asError(t, err)
	if e.Kind != KindCanceled || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("kind %s after %v: %v", e.Kind, time.Since(start), err)
	}
}

func TestCloseEarlyReleasesTheStream(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.SSE(L.Data(L.ContentChunk("x")), L.Hang()))
	s, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Next() {
		t.Fatal(s.Err())
	}
	s.Close()
	if s.Next() {
		t.Fatal("Next after Close returned an event")
	}
	s.Close()
}

func TestHugeSingleLineChunk(t *testing.T) {
	f := newFixture(t)
	big := strings.Repeat("word ", 1<<20/5*3) // ~3 MiB in one data line
	f.srv.Chat(L.SSE(L.Data(L.ContentChunk(big)), L.Data(L.FinishChunk("stop"))))
	evs, _, err := f.stream(t, context.Background())
	if err != nil || len(evs) != 2 || evs[0].Text != big {
		t.Fatalf("%d events, %v", len(evs), err)
	}
}

func TestStreamFallsBackToJSONReply(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.JSON(200, L.Completion("whole answer", 3, 2)))
	evs, s, err := f.stream(t, context.Background())
	if err != nil || summary(evs) != "role:assistant content:whole answer finish:stop usage:3/2/5" || s.FinishReason() != "stop" {
		t.Fatalf("%q %v", summary(evs), err)
	}
}

func TestEventStreamWithWrongContentType(t *testing.T) {
	for _, ct := range []string{"application/json", "text/plain; charset=utf-8", "application/octet-stream"} {
		f := newFixture(t)
		rep := L.Stream("x", "y")
		rep.ContentType = ct
		f.srv.Chat(rep)
		evs, _, err := f.stream(t, context.Background())
		if err != nil || summary(evs) != "role:assistant content:x content:y finish:stop" {
			t.Fatalf("%s: %q %v", ct, summary(evs), err)
		}
		rep.Steps = append([]L.Step{L.Raw("\uFEFF: hello\n\n")}, rep.Steps...)
		f.srv.Chat(rep)
		c, err := f.client.Complete(context.Background(), f.p, testKey, userRequest("hi"))
		if err != nil || c.Text() != "xy" {
			t.Fatalf("%s Complete: %+v %v", ct, c, err)
		}
	}
}

func TestGatewayMessageErrors(t *testing.T) {
	f := newFixture(t)
	f.srv.Chat(L.JSON(401, `{"message":"Unauthorized"}`))
	f.srv.Chat(L.SSE(L.Raw("event: error\ndata: {\"message\":\"worker crashed\",\"code\":500}\n\n")))
	_, err := f.client.Stream(context.Background(), f.p, testKey, userRequest("hi"))
	if e := asError(t, err); e.Kind != KindAuth || !strings.Contains(e.Error(), "Unauthorized") {
		t.Fatalf("%v", err)
	}
	_, _, err = f.stream(t, context.Background())
	if e := asError(t, err); e.Kind != KindServer || !strings.Contains(e.Error(), "worker crashed") || strings.Contains(e.Error(), "{") {
		t.Fatalf("%v", err)
	}
}
