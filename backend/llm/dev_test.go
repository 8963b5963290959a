package llm

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	L "murmur/backend/llm/llmtest"
)

func devFixture(t *testing.T, cfg L.DevConfig) (*Client, Provider) {
	t.Helper()
	srv := httptest.NewServer(L.NewDevHandler(cfg))
	t.Cleanup(srv.Close)
	return New(WithSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() })),
		Provider{ID: "dev", BaseURL: srv.URL, Auth: AuthXAPIKey}
}

func TestDevServerStreamsAndCompletes(t *testing.T) {
	c, p := devFixture(t, L.DevConfig{TokensPerSecond: 5000, Key: "dev-key"})
	req := userRequest("/echo hello streaming world")
	req.StreamOptions = &StreamOptions{IncludeUsage: true}
	comp, err := collect(c.Stream(context.Background(), p, "dev-key", req))
	if err != nil || comp.Text() != "hello streaming world" || comp.Usage == nil || comp.Choices[0].FinishReason != "stop" {
		t.Fatalf("%+v %v", comp, err)
	}
	comp, err = c.Complete(context.Background(), p, "dev-key", userRequest("/echo not streamed"))
	if err != nil || comp.Text() != "not streamed" {
		t.Fatalf("%+v %v", comp, err)
	}
	comp, err = collect(c.Stream(context.Background(), p, "dev-key", userRequest("/think")))
	if err != nil || comp.Choices[0].Reasoning == "" || comp.Text() == "" {
		t.Fatalf("%+v %v", comp, err)
	}
	s, err := c.Stream(context.Background(), p, "dev-key", userRequest("/cut"))
	if err != nil {
		t.Fatal(err)
	}
	for s.Next() {
	}
	if e := asError(t, s.Err()); e.Kind != KindNetwork && e.Kind != KindTruncated {
		t.Fatalf("cut stream: %v", e)
	}
	if _, err := c.Stream(context.Background(), p, "wrong", userRequest("x")); asError(t, err).Kind != KindAuth {
		t.Fatalf("wrong key: %v", err)
	}
	for code, kind := range map[string]ErrorKind{"402": KindCredits, "403": KindPremium, "422": KindInvalidRequest, "401": KindAuth} {
		if _, err := c.Stream(context.Background(), p, "dev-key", userRequest("/error "+code)); asError(t, err).Kind != kind {
			t.Errorf("/error %s: %v", code, err)
		}
	}
}

func TestDevServerRateAndFirstByteDelay(t *testing.T) {
	c, p := devFixture(t, L.DevConfig{TokensPerSecond: 100, FirstByteDelay: 150 * time.Millisecond})
	start := time.Now()
	s, err := c.Stream(context.Background(), p, "k", userRequest("/echo a b c d e f g h i j"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var first time.Duration
	n := 0
	for s.Next() {
		if s.Current().Kind == EventContent {
			if n == 0 {
				first = time.Since(start)
			}
			n++
		}
	}
	total := time.Since(start)
	if s.Err() != nil || n != 10 {
		t.Fatalf("%d tokens, %v", n, s.Err())
	}
	// 10 tokens at 100/s take about 100 ms after the 150 ms delay.
	if first < 150*time.Millisecond || total < 240*time.Millisecond {
		t.Fatalf("first token after %v, all after %v", first, total)
	}
}

func TestDevServerSideEndpoints(t *testing.T) {
	c, p := devFixture(t, L.DevConfig{Models: []string{"b-model", "a-model"}})
	ms, err := c.ListModels(context.Background(), p, "k")
	if err != nil || len(ms) != 2 || ms[0].ID != "a-model" {
		t.Fatalf("%+v %v", ms, err)
	}
	cr, err := c.Credits(context.Background(), p, "k")
	if err != nil || cr.TotalCredits != 17.5 {
		t.Fatalf("%+v %v", cr, err)
	}
	rl, err := c.RateLimits(context.Background(), p, "k")
	if err != nil || rl.Minute.Limit != 100 || rl.Tier != "free" {
		t.Fatalf("%+v %v", rl, err)
	}
	comp, err := c.Complete(context.Background(), p, "k", userRequest("tell me something"))
	if err != nil || len(strings.Fields(comp.Text())) < 5 {
		t.Fatalf("scripted answer %q %v", comp.Text(), err)
	}
}

// "/long N" streams exactly N tokens (what make bench-desktop asks for), the
// same text a request without stream gets, and refuses a count it cannot give.
func TestDevServerLongTakesATokenCount(t *testing.T) {
	c, p := devFixture(t, L.DevConfig{TokensPerSecond: 1e6})
	for _, n := range []int{1, 3500, 9000} {
		prompt := fmt.Sprintf("/long %d", n)
		s, err := c.Stream(context.Background(), p, "k", userRequest(prompt))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		tokens := 0
		for s.Next() {
			if e := s.Current(); e.Kind == EventContent {
				tokens++
				b.WriteString(e.Text)
			}
		}
		if s.Err() != nil || tokens != n {
			t.Fatalf("%s: streamed %d tokens, err %v", prompt, tokens, s.Err())
		}
		whole, err := c.Complete(context.Background(), p, "k", userRequest(prompt))
		if err != nil || whole.Text() != b.String() {
			t.Fatalf("%s: the answer without stream differs (%d vs %d bytes), err %v", prompt, len(whole.Text()), b.Len(), err)
		}
		if n >= 3500 && (!strings.Contains(b.String(), "```go") || !strings.Contains(b.String(), "| alpha | 1 |")) {
			t.Fatalf("%s: the long answer lacks the code block or the table", prompt)
		}
	}
	plain, err := c.Complete(context.Background(), p, "k", userRequest("/long"))
	if err != nil || !strings.HasPrefix(plain.Text(), "Paragraph 1. ") || !strings.Contains(plain.Text(), "Paragraph 60. ") {
		t.Fatalf("/long without a count: %v", err)
	}
	for _, bad := range []string{"/long zero", "/long 0", "/long 200001"} {
		_, err := c.Complete(context.Background(), p, "k", userRequest(bad))
		if e := asError(t, err); e.Kind != KindInvalidRequest || !strings.Contains(e.Error(), "number of tokens") {
			t.Errorf("%s: %v", bad, e)
		}
	}
}
