package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm/llmtest"
)

const testKey = "sk-test-0123456789abcdef"

// sleeps records backoff waits instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type fixture struct {
	srv    *llmtest.Server
	client *Client
	p      Provider
	sleeps *sleeps
}

// newFixture starts a fake server and a client with fast timeouts, a
// recorded (not real) backoff sleep and no jitter.
func newFixture(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	srv := llmtest.NewServer()
	t.Cleanup(srv.Close)
	sl := &sleeps{}
	base := []Option{
		WithSleep(sl.sleep),
		WithJitter(func() float64 { return 0 }),
		WithTimeouts(Timeouts{FirstData: 5 * time.Second, Idle: 5 * time.Second}),
	}
	c := New(append(base, opts...)...)
	return &fixture{srv: srv, client: c, p: Provider{ID: "fake", BaseURL: srv.URL, Auth: AuthBearer}, sleeps: sl}
}

func userRequest(text string) *Request {
	return &Request{Model: "fake-model", Messages: []Message{TextMessage(RoleUser, text)}}
}

// summary renders events compactly: "role:assistant content:Hi finish:stop usage:3".
func summary(evs []Event) string {
	var parts []string
	for _, ev := range evs {
		var p string
		if ev.Kind == EventUsage {
			p = fmt.Sprintf("usage:%d/%d/%d", ev.Usage.PromptTokens, ev.Usage.CompletionTokens, ev.Usage.TotalTokens)
		} else {
			p = ev.Kind.String() + ":" + ev.Text
		}
		if ev.Index != 0 {
			p = fmt.Sprintf("%d.%s", ev.Index, p)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

// stream runs a streamed request to its end.
func (f *fixture) stream(t *testing.T, ctx context.Context) ([]Event, *Stream, error) {
	t.Helper()
	s, err := f.client.Stream(ctx, f.p, testKey, userRequest("hello"))
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	var evs []Event
	for s.Next() {
		evs = append(evs, s.Current())
	}
	return evs, s, s.Err()
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *llm.Error", err, err)
	}
	if strings.Contains(e.Error(), testKey) || strings.Contains(e.Message, testKey) {
		t.Fatalf("error text contains the key: %q", e.Error())
	}
	return e
}

func contentParts() conversation.Content {
	return conversation.Content{Parts: []conversation.Part{
		{Type: "text", Text: "what is this?"},
		{Type: "image_url", ImageURL: &conversation.ImageURL{URL: "data:image/png;base64,AAAA"}},
	}}
}
