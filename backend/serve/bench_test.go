package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"murmur/backend/llm"
	"murmur/backend/sse"
)

const (
	benchStreams = 500
	benchEvents  = 20
	benchGap     = 100 * time.Millisecond
)

// BenchmarkProxyStreams500 opens 500 concurrent streams on loopback, first
// straight to a fake upstream, then through the proxy, in the same run. Each
// upstream event carries the time it was written; the client notes when it
// read it. Reported: the per-event latency percentiles of both paths and
// their difference (what the proxy adds), the memory the proxy holds per
// open stream (heap and stacks with 500 streams open, minus the same for
// the direct path: the proxy's two connections, client side and upstream,
// their buffers and four goroutines), and the streams that lost an event
// (must be 0).
//
//	go test -run '^$' -bench ProxyStreams500 -benchtime 3x ./backend/serve/
func BenchmarkProxyStreams500(b *testing.B) {
	up := newBenchUpstream()
	defer up.close()

	cfg := DefaultConfig()
	cfg.Upstream = up.ts.URL + "/v1"
	cfg.Auth = llm.AuthNone
	cfg.AllowNoOrigin = true
	cfg.Rate, cfg.OriginRate = Rate{}, Rate{}
	cfg.MaxStreams, cfg.MaxStreamsPerClient = 2*benchStreams, 2*benchStreams
	cfg.MaxConnsPerClient = 0 // every stream comes from this one address
	srv, err := New(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	proxyURL := "http://" + ln.Addr().String() + "/v1/chat/completions"
	directURL := up.ts.URL + "/v1/chat/completions"

	// Each round starts from the same quiet state: no idle connections left
	// from the one before, and their goroutines gone.
	quiet := runtime.NumGoroutine()
	settle := func() {
		srv.client.CloseIdleConnections()
		for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > quiet && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	round := func(url string) ([]time.Duration, float64, int) {
		b.StopTimer()
		settle()
		b.StartTimer()
		return up.round(b, url)
	}

	var direct, proxied []time.Duration
	var directMem, proxiedMem float64
	lost := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Alternate which path goes first, so neither always inherits the
		// other's garbage.
		var d, p []time.Duration
		var dm, pm float64
		var dl, pl int
		if i%2 == 0 {
			d, dm, dl = round(directURL)
			p, pm, pl = round(proxyURL)
		} else {
			p, pm, pl = round(proxyURL)
			d, dm, dl = round(directURL)
		}
		direct, proxied = append(direct, d...), append(proxied, p...)
		directMem += dm
		proxiedMem += pm
		lost += dl + pl
	}
	b.StopTimer()
	slices.Sort(direct)
	slices.Sort(proxied)
	pct := func(s []time.Duration, p float64) float64 {
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds())
	}
	b.ReportMetric(pct(direct, 0.50), "direct-p50-µs")
	b.ReportMetric(pct(direct, 0.99), "direct-p99-µs")
	b.ReportMetric(pct(proxied, 0.50), "proxy-p50-µs")
	b.ReportMetric(pct(proxied, 0.99), "proxy-p99-µs")
	b.ReportMetric(pct(proxied, 0.50)-pct(direct, 0.50), "added-p50-µs")
	b.ReportMetric(pct(proxied, 0.99)-pct(direct, 0.99), "added-p99-µs")
	b.ReportMetric((proxiedMem-directMem)/float64(b.N)/benchStreams, "proxy-B/stream")
	b.ReportMetric(float64(lost), "lost-streams")
	b.ReportMetric(0, "ns/op")
	if lost > 0 {
		b.Errorf("%d streams lost events", lost)
	}
}

// benchUpstream streams timestamped events once every stream of a round is
// open.
type benchUpstream struct {
	ts    *httptest.Server
	start time.Time

	mu      sync.Mutex
	release chan struct{}
}

func newBenchUpstream() *benchUpstream {
	u := &benchUpstream{start: time.Now()}
	u.ts = httptest.NewUnstartedServer(http.HandlerFunc(u.serve))
	u.ts.Config.ErrorLog = nil
	u.ts.Start()
	return u
}

func (u *benchUpstream) close() { u.ts.Close() }

func (u *benchUpstream) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User string `json:"user"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	idx, _ := strconv.Atoi(req.User)
	u.mu.Lock()
	release := u.release
	u.mu.Unlock()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	io.WriteString(w, `data: {"id":"chatcmpl-b","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"}}]}`+"\n\n")
	rc.Flush()
	select {
	case <-release:
	case <-r.Context().Done():
		return
	}
	// Spread the streams over the gap, as real traffic would be.
	time.Sleep(time.Duration(idx) * benchGap / benchStreams)
	tick := time.NewTicker(benchGap)
	defer tick.Stop()
	for k := 0; k < benchEvents; k++ {
		sent := time.Since(u.start).Nanoseconds()
		fmt.Fprintf(w, `data: {"id":"chatcmpl-b","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" token %d"},"finish_reason":null}],"t":%d}`+"\n\n", k, sent)
		if rc.Flush() != nil {
			return
		}
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
	io.WriteString(w, "data: [DONE]\n\n")
}

// round opens benchStreams streams to url and returns every event's latency,
// the heap and stack bytes in use while all streams were open (above the
// level before), and how many streams missed events.
func (u *benchUpstream) round(b *testing.B, url string) ([]time.Duration, float64, int) {
	release := make(chan struct{})
	u.mu.Lock()
	u.release = release
	u.mu.Unlock()
	tr := &http.Transport{MaxIdleConnsPerHost: benchStreams, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	base := memInUse()
	var opened atomic.Int32
	lat := make([][]time.Duration, benchStreams)
	lostc := make(chan int, benchStreams)
	var wg sync.WaitGroup
	for i := 0; i < benchStreams; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := fmt.Sprintf(`{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"user":"%d"}`, i)
			req, _ := http.NewRequest("POST", url, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				opened.Add(1)
				lostc <- 1
				return
			}
			defer resp.Body.Close()
			dec := sse.NewDecoder(resp.Body, sse.WithBufferSize(4<<10))
			if _, err := dec.Next(); err != nil {
				opened.Add(1)
				lostc <- 1
				return
			}
			opened.Add(1)
			got := make([]time.Duration, 0, benchEvents)
			for {
				ev, err := dec.Next()
				if err != nil || bytes.Equal(ev.Data, done) {
					break
				}
				now := time.Since(u.start)
				got = append(got, now-time.Duration(sentAt(ev.Data)))
			}
			lat[i] = got
			if len(got) != benchEvents {
				lostc <- 1
			}
		}(i)
	}
	for opened.Load() < benchStreams {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	open := memInUse()
	b.StartTimer()
	close(release)
	wg.Wait()
	close(lostc)
	lost := 0
	for n := range lostc {
		lost += n
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	return all, float64(open) - float64(base), lost
}

var done = []byte("[DONE]")

// sentAt reads the nanoseconds of the trailing "t":N} of an event.
func sentAt(data []byte) int64 {
	j := bytes.LastIndex(data, []byte(`"t":`))
	if j < 0 {
		return 0
	}
	var n int64
	for _, c := range data[j+4:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}
