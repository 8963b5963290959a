package llm

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/ssestream"

	"murmur/backend/llm/llmtest"
)

const benchSize = 50 << 20

// streamOver returns a Stream reading body as if it came from a server.
func streamOver(body []byte) *Stream {
	resp := &response{StatusCode: 200, Header: header{}, Body: io.NopCloser(bytes.NewReader(body))}
	cancel := func(error) {}
	s, _ := newStream(context.Background(), &call{resp: resp, rctx: context.Background(), cancel: cancel, wd: startWatchdog(cancel, time.Hour, time.Hour)})
	return s
}

type chunkDecoder struct {
	name string
	run  func(b testing.TB, in []byte) (events, contentBytes int)
}

func chunkDecoders() []chunkDecoder {
	return []chunkDecoder{
		{"llm", func(b testing.TB, in []byte) (int, int) {
			s := streamOver(in)
			defer s.Close()
			n, text := 0, 0
			for s.Next() {
				ev := s.Current()
				if ev.Kind == EventContent {
					text += len(ev.Text)
				}
				n++
			}
			if s.Err() != nil {
				b.Fatal(s.Err())
			}
			return n, text
		}},
		{"openai-go", func(b testing.TB, in []byte) (int, int) {
			dec := ssestream.NewDecoder(&http.Response{Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(in))})
			st := ssestream.NewStream[openai.ChatCompletionChunk](dec, nil)
			n, text := 0, 0
			for st.Next() {
				c := st.Current()
				for _, ch := range c.Choices {
					text += len(ch.Delta.Content)
				}
				n++
			}
			if st.Err() != nil {
				b.Fatal(st.Err())
			}
			return n, text
		}},
	}
}

// BenchmarkChunks decodes a 50 MiB OpenAI-style stream into content deltas.
func BenchmarkChunks(b *testing.B) {
	in := llmtest.SyntheticStream(benchSize, 1)
	_, wantText := chunkDecoders()[1].run(b, in)
	for _, d := range chunkDecoders() {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			events := 0
			b.ResetTimer()
			for range b.N {
				n, text := d.run(b, in)
				if text != wantText {
					b.Fatalf("%s decoded %d content bytes, openai-go %d", d.name, text, wantText)
				}
				events += n
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
		})
	}
}

// BenchmarkChunksRatio runs both decoders on the same input in every
// iteration (after a GC each) and reports llm's median speed as a multiple
// of openai-go's.
func BenchmarkChunksRatio(b *testing.B) {
	in := llmtest.SyntheticStream(benchSize, 1)
	ds := chunkDecoders()
	times := make([][]time.Duration, len(ds))
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for range b.N {
		for i, d := range ds {
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
			start := time.Now()
			d.run(b, in)
			times[i] = append(times[i], time.Since(start))
		}
	}
	m0, m1 := float64(medianDuration(times[0])), float64(medianDuration(times[1]))
	b.ReportMetric(float64(len(in))/1e6/(m0/1e9), "llm-MB/s")
	b.ReportMetric(float64(len(in))/1e6/(m1/1e9), "openai-go-MB/s")
	b.ReportMetric(m1/m0, "x-openai-go")
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkTimeToFirstToken measures, against a loopback server that sends
// the first content chunk at once, how much later backend/llm delivers the
// first content event than a raw net/http read sees the first chunk's bytes.
func BenchmarkTimeToFirstToken(b *testing.B) {
	first := "data: " + llmtest.RoleChunk() + "\n\ndata: " + llmtest.ContentChunk("Hi") + "\n\n"
	rest := "data: " + llmtest.FinishChunk("stop") + "\n\ndata: [DONE]\n\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		io.WriteString(w, rest)
	}))
	defer srv.Close()
	hc := srv.Client()
	c := New(WithHTTPClient(hc))
	p := Provider{ID: "bench", BaseURL: srv.URL + "/v1", Auth: AuthBearer}
	req := &Request{Model: "m", Messages: []Message{TextMessage(RoleUser, "hello")}}
	body, _ := req.body(true, nil)
	marker := []byte(`"content":"Hi"`)

	raw := func() time.Duration {
		start := time.Now()
		r, _ := http.NewRequest("POST", srv.URL+"/v1/chat/completions", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer k")
		resp, err := hc.Do(r)
		if err != nil {
			b.Fatal(err)
		}
		var got []byte
		buf := make([]byte, 4096)
		for !bytes.Contains(got, marker) || !bytes.HasSuffix(got, []byte("\n\n")) {
			n, err := resp.Body.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
		}
		d := time.Since(start)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return d
	}
	viaLLM := func() time.Duration {
		start := time.Now()
		s, err := c.Stream(context.Background(), p, "k", req)
		if err != nil {
			b.Fatal(err)
		}
		var d time.Duration
		for s.Next() {
			if s.Current().Kind == EventContent {
				d = time.Since(start)
				break
			}
		}
		for s.Next() {
		}
		s.Close()
		if d == 0 {
			b.Fatal("no content event", s.Err())
		}
		return d
	}
	raw()
	viaLLM()
	var rs, ls []time.Duration
	b.ResetTimer()
	for range b.N {
		rs = append(rs, raw())
		ls = append(ls, viaLLM())
	}
	mr, ml := medianDuration(rs), medianDuration(ls)
	b.ReportMetric(float64(mr.Microseconds()), "raw-µs")
	b.ReportMetric(float64(ml.Microseconds()), "llm-µs")
	b.ReportMetric(float64((ml-mr).Nanoseconds())/1e3, "added-µs")
}
