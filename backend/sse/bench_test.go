package sse_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/openai/openai-go/v3/packages/ssestream"

	"murmur/backend/llm/llmtest"
	"murmur/backend/sse"
)

const benchSize = 50 << 20

type framer struct {
	name string
	run  func(b testing.TB, in []byte) int // returns the number of events
}

func framers() []framer {
	return []framer{
		{"sse", func(b testing.TB, in []byte) int {
			d := sse.NewDecoder(bytes.NewReader(in))
			n := 0
			for {
				ev, err := d.Next()
				if err == io.EOF {
					return n
				}
				if err != nil {
					b.Fatal(err)
				}
				n += len(ev.Data) & 0 // touch the data
				n++
			}
		}},
		{"sse-without-utf8-check", func(b testing.TB, in []byte) int {
			d := sse.NewDecoder(bytes.NewReader(in), sse.WithoutUTF8Check())
			n := 0
			for {
				_, err := d.Next()
				if err == io.EOF {
					return n
				}
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
		}},
		{"openai-go-ssestream", func(b testing.TB, in []byte) int {
			dec := ssestream.NewDecoder(&http.Response{Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(in))})
			n := 0
			for dec.Next() {
				_ = dec.Event().Data
				n++
			}
			if dec.Err() != nil {
				b.Fatal(dec.Err())
			}
			return n
		}},
		{"bufio-scanner-lines", func(b testing.TB, in []byte) int {
			sc := bufio.NewScanner(bytes.NewReader(in))
			sc.Buffer(make([]byte, 64<<10), 64<<20)
			n := 0
			for sc.Scan() {
				line := sc.Bytes()
				if len(line) == 0 {
					n++
				}
			}
			return n
		}},
		{"indexbyte-floor", func(b testing.TB, in []byte) int {
			n := 0
			for rest := in; ; {
				i := bytes.IndexByte(rest, '\n')
				if i < 0 {
					return n
				}
				n++
				rest = rest[i+1:]
			}
		}},
	}
}

// BenchmarkFraming measures MB/s of framing a 50 MiB OpenAI-style stream.
func BenchmarkFraming(b *testing.B) {
	in := llmtest.SyntheticStream(benchSize, 1)
	for _, f := range framers() {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			events := 0
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			b.ResetTimer()
			for range b.N {
				events += f.run(b, in)
			}
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			if f.name != "indexbyte-floor" && f.name != "bufio-scanner-lines" {
				b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(events), "allocs/event")
			}
		})
	}
}

// BenchmarkFramingRatio runs every framer on the same input in each
// iteration (after a GC, so that one framer's garbage does not slow the
// next) and reports the median speed of backend/sse as a multiple of
// openai-go's and of a bufio.Scanner line splitter, and as a percentage of
// the bytes.IndexByte floor.
func BenchmarkFramingRatio(b *testing.B) {
	in := llmtest.SyntheticStream(benchSize, 1)
	fs := framers()
	times := make([][]time.Duration, len(fs))
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for range b.N {
		for i, f := range fs {
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
			start := time.Now()
			f.run(b, in)
			times[i] = append(times[i], time.Since(start))
		}
	}
	med := make([]float64, len(fs))
	for i := range fs {
		med[i] = float64(median(times[i]))
	}
	mbs := func(i int) float64 { return float64(len(in)) / 1e6 / (med[i] / 1e9) }
	// framers(): 0 sse, 1 sse without UTF-8 check, 2 openai-go, 3 bufio, 4 IndexByte.
	b.ReportMetric(mbs(0), "sse-MB/s")
	b.ReportMetric(mbs(2), "openai-go-MB/s")
	b.ReportMetric(mbs(4), "indexbyte-MB/s")
	b.ReportMetric(med[2]/med[0], "x-openai-go")
	b.ReportMetric(med[2]/med[1], "raw-x-openai-go")
	b.ReportMetric(med[3]/med[0], "x-bufio-scanner")
	b.ReportMetric(100*med[4]/med[0], "%-of-indexbyte")
	b.ReportMetric(100*med[4]/med[1], "raw-%-of-indexbyte")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	slices.Sort(s)
	return s[len(s)/2]
}
