package chat

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/store"
)

// streamServer serves a reply of n tokens as fast as it can, or at rate
// tokens per second when rate > 0.
func streamServer(b *testing.B, n int, rate float64) *httptest.Server {
	tok := chunk("tok ")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		var gap time.Duration
		if rate > 0 {
			gap = time.Duration(float64(time.Second) / rate)
		}
		start := time.Now()
		for i := 0; i < n; i++ {
			if gap > 0 {
				// Pace against the start time so timer slack does not add up.
				if d := time.Until(start.Add(time.Duration(i) * gap)); d > 0 {
					time.Sleep(d)
				}
			}
			fmt.Fprintf(w, "data: %s\n\n", tok)
			if gap > 0 || i%64 == 0 {
				fl.Flush()
			}
		}
		fmt.Fprintf(w, "data: %s\n\ndata: [DONE]\n\n", finishChunk("stop"))
	}))
	b.Cleanup(srv.Close)
	return srv
}

type countingEmitter struct{ deltas, all atomic.Int64 }

func (c *countingEmitter) Stream(ev StreamEvent) {
	c.all.Add(1)
	if ev.Type == EventDelta {
		c.deltas.Add(1)
	}
}

func benchEngine(b *testing.B, srv *httptest.Server, emit Emitter) (*Engine, *store.Store) {
	st, err := store.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	target := Target{
		Provider: llm.Provider{ID: "bench", BaseURL: srv.URL + "/v1", Auth: llm.AuthNone},
		Model:    "m", Stream: true,
	}
	resolve := func(context.Context, *conversation.Conversation) (Target, error) { return target, nil }
	return New(st, llm.New(llm.WithHTTPClient(srv.Client())), resolve, emit), st
}

func waitStream(b *testing.B, e *Engine, id string) Snapshot {
	for {
		if snap, ok := e.Snapshot(id); ok && snap.Status != conversation.StatusStreaming {
			return snap
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// BenchmarkEngineThroughput sends replies of 20,000 tokens from a loopback
// server through the whole engine (decode, coalesce, checkpoint to the
// store, finish) into a no-op emitter, and reports tokens per second. The
// baseline in the same run is the llm client alone reading the same stream.
func BenchmarkEngineThroughput(b *testing.B) {
	const tokens = 20_000
	srv := streamServer(b, tokens, 0)

	b.Run("llm-client-only", func(b *testing.B) {
		client := llm.New(llm.WithHTTPClient(srv.Client()))
		p := llm.Provider{ID: "bench", BaseURL: srv.URL + "/v1", Auth: llm.AuthNone}
		start := time.Now()
		for i := 0; i < b.N; i++ {
			s, err := client.Stream(context.Background(), p, "", &llm.Request{Model: "m", Messages: []llm.Message{llm.TextMessage("user", "go")}})
			if err != nil {
				b.Fatal(err)
			}
			for s.Next() {
			}
			if err := s.Err(); err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
		b.ReportMetric(float64(tokens*b.N)/time.Since(start).Seconds(), "tokens/s")
	})

	b.Run("engine", func(b *testing.B) {
		e, _ := benchEngine(b, srv, &countingEmitter{})
		start := time.Now()
		for i := 0; i < b.N; i++ {
			s, err := e.Send(context.Background(), "", "go", nil)
			if err != nil {
				b.Fatal(err)
			}
			snap := waitStream(b, e, s.StreamID)
			if snap.Status != conversation.StatusComplete || len(snap.Content) != tokens*4 {
				b.Fatalf("reply %s with %d bytes", snap.Status, len(snap.Content))
			}
		}
		b.ReportMetric(float64(tokens*b.N)/time.Since(start).Seconds(), "tokens/s")
		e.Wait()
	})
}

// BenchmarkEmitRate streams 5,000 tokens per second for one second and
// reports how many delta events reached the UI per second: coalescing should
// hold it near 1/DefaultCoalesce (40/s), not the token rate.
func BenchmarkEmitRate(b *testing.B) {
	const rate, tokens = 5000, 5000
	srv := streamServer(b, tokens, rate)
	emit := &countingEmitter{}
	e, _ := benchEngine(b, srv, emit)
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		s, err := e.Send(context.Background(), "", "go", nil)
		if err != nil {
			b.Fatal(err)
		}
		snap := waitStream(b, e, s.StreamID)
		elapsed += time.Since(start)
		if !strings.HasPrefix(snap.Content, "tok ") {
			b.Fatalf("reply %q", snap.Content[:min(len(snap.Content), 20)])
		}
	}
	e.Wait()
	b.ReportMetric(float64(emit.deltas.Load())/elapsed.Seconds(), "emits/s")
	b.ReportMetric(float64(tokens*b.N)/elapsed.Seconds(), "tokens/s")
	b.ReportMetric(float64(time.Second/DefaultCoalesce), "coalesce-cap/s")
}
