package transfer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
)

var benchWords = strings.Fields(`the of and to in is you that it he was for on are as with his they at be this from have or
by one had not but what all were when we there can an your which their said if do will each about how up out them then she
many some so these would other into has more her two like him see time could no make than first been its who now people my
made over did down only way find use may water long little very after words called just where most know goroutine channel
مرحبا שלום 你好 🎉 latency throughput function variable closure interface pointer slice map struct`)

func benchText(r *rand.Rand, minWords, maxWords int) string {
	n := minWords + r.IntN(maxWords-minWords+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			if r.IntN(14) == 0 {
				b.WriteString(".\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(benchWords[r.IntN(len(benchWords))])
	}
	if r.IntN(3) == 0 {
		b.WriteString("\n\n```go\nfunc main() {\n\tfor i := 0; i < 10; i++ {\n\t\tfmt.Println(i, \"<tag>\")\n\t}\n}\n```\n")
	}
	return b.String()
}

// writeSyntheticChatGPT writes a ChatGPT-style conversations.json of at
// least size bytes, deterministically: a hidden system node, alternating
// user/assistant turns, some regenerated replies (branches), some tool use.
func writeSyntheticChatGPT(w io.Writer, size int64) (convs int, err error) {
	r := rand.New(rand.NewPCG(6, 2026))
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := &countWriter{w: bw}
	if _, err := io.WriteString(cw, "[\n"); err != nil {
		return 0, err
	}
	base := 1.7e9
	for cw.n < size {
		if convs > 0 {
			io.WriteString(cw, ",\n")
		}
		mapping := map[string]any{}
		node := func(id, parent string, msg map[string]any) {
			var p any
			if parent != "" {
				p = parent
			}
			mapping[id] = map[string]any{"id": id, "parent": p, "children": []string{}, "message": msg}
		}
		msg := func(id, role, text string, t float64, meta map[string]any) map[string]any {
			return map[string]any{"id": id, "author": map[string]any{"role": role, "name": nil, "metadata": map[string]any{}},
				"create_time": t, "update_time": nil, "content": map[string]any{"content_type": "text", "parts": []string{text}},
				"status": "finished_successfully", "end_turn": true, "weight": 1.0, "metadata": meta, "recipient": "all"}
		}
		t := base + float64(convs)*3600
		node("root", "", nil)
		node("sys", "root", msg("sys", "system", "", t, map[string]any{"is_visually_hidden_from_conversation": true}))
		parent := "sys"
		turns := 3 + r.IntN(8)
		for i := 0; i < turns; i++ {
			u := fmt.Sprintf("u%d", i)
			node(u, parent, msg(u, "user", benchText(r, 8, 60), t+float64(i*60), map[string]any{}))
			parent = u
			if r.IntN(6) == 0 { // tool use
				c := fmt.Sprintf("c%d", i)
				m := msg(c, "assistant", "search(\"x\")", t+float64(i*60+1), map[string]any{"model_slug": "gpt-4o"})
				m["recipient"] = "browser"
				node(c, parent, m)
				o := fmt.Sprintf("o%d", i)
				node(o, c, msg(o, "tool", benchText(r, 20, 80), t+float64(i*60+2), map[string]any{}))
				parent = o
			}
			if r.IntN(5) == 0 { // a regenerated reply: an alternative branch
				alt := fmt.Sprintf("alt%d", i)
				node(alt, parent, msg(alt, "assistant", benchText(r, 30, 200), t+float64(i*60+3), map[string]any{"model_slug": "gpt-4"}))
			}
			a := fmt.Sprintf("a%d", i)
			node(a, parent, msg(a, "assistant", benchText(r, 40, 400), t+float64(i*60+5),
				map[string]any{"model_slug": "gpt-4o", "finish_details": map[string]any{"type": "stop", "stop_tokens": []int{100260}}, "citations": []any{}}))
			parent = a
		}
		conv := map[string]any{"title": benchText(r, 2, 6), "create_time": t, "update_time": t + float64(turns*60),
			"mapping": mapping, "moderation_results": []any{}, "current_node": parent, "plugin_ids": nil,
			"conversation_id": fmt.Sprintf("conv-%d", convs), "id": fmt.Sprintf("conv-%d", convs), "default_model_slug": "gpt-4o"}
		b, err := json.Marshal(conv)
		if err != nil {
			return convs, err
		}
		if _, err := cw.Write(b); err != nil {
			return convs, err
		}
		convs++
	}
	if _, err := io.WriteString(cw, "\n]\n"); err != nil {
		return convs, err
	}
	return convs, bw.Flush()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// syntheticExport returns the path of the cached synthetic export,
// generating it on first use.
func syntheticExport(b *testing.B, size int64) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("murmur-bench-chatgpt-%dMB-v1.json", size>>20))
	if st, err := os.Stat(path); err == nil && st.Size() >= size {
		return path
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := writeSyntheticChatGPT(f, size); err != nil {
		f.Close()
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// heapPeak samples the in-use heap, cheaply enough to call often.
type heapPeak struct {
	peak uint64
}

func (h *heapPeak) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > h.peak {
		h.peak = ms.HeapInuse
	}
}

// BenchmarkImportChatGPT100MB imports a synthetic 100 MB ChatGPT export
// from a file. It reports throughput (MB/s), the peak in-use heap, and
// the time relative to a single json.Valid pass over the same bytes (the
// cheapest possible full parse, measured in the same run).
func BenchmarkImportChatGPT100MB(b *testing.B) {
	const size = 100 << 20
	path := syntheticExport(b, size)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}

	// Baseline: json.Valid over the whole file (held in memory).
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if !json.Valid(data) {
		b.Fatal("synthetic export is not valid JSON")
	}
	baseline := time.Since(start)
	data = nil

	b.SetBytes(st.Size())
	b.ReportAllocs()
	var peak heapPeak
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	imported := 0
	for i := 0; i < b.N; i++ {
		imported = 0
		sink := func(_ context.Context, c *conversation.Conversation) error {
			imported++
			if imported%64 == 0 {
				peak.sample()
			}
			return nil
		}
		res, err := Import(context.Background(), f, st.Size(), "conversations.json", sink, ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Skipped) > 0 {
			b.Fatalf("skipped %d: %+v", len(res.Skipped), res.Skipped[0])
		}
	}
	b.StopTimer()
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(imported), "conversations")
	b.ReportMetric(float64(peak.peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(before.HeapInuse)/(1<<20), "heap-before-MB")
	b.ReportMetric(float64(perOp)/float64(baseline), "x-json.Valid")
}

// benchConversations makes n conversations of a few turns each.
func benchConversations(n int) []*conversation.Conversation {
	r := rand.New(rand.NewPCG(10, 10000))
	out := make([]*conversation.Conversation, n)
	for i := range out {
		c := &conversation.Conversation{Format: conversation.Format, Version: 1, ID: fmt.Sprintf("01937a00-0000-7000-8000-%012d", i),
			Title: benchText(r, 2, 6), CreatedAt: t0, UpdatedAt: t0, Model: "gpt-4o"}
		parent := ""
		for j := 0; j < 2+r.IntN(6); j++ {
			role := conversation.RoleUser
			text := benchText(r, 5, 40)
			if j%2 == 1 {
				role = conversation.RoleAssistant
				text = benchText(r, 20, 150)
			}
			m := conversation.Message{ID: fmt.Sprintf("m%d", j), ParentID: parent, Role: role, Content: conversation.TextContent(text),
				Status: conversation.StatusComplete, CreatedAt: t0}
			c.Messages = append(c.Messages, m)
			parent = m.ID
		}
		c.CurrentID = parent
		out[i] = c
	}
	return out
}

// BenchmarkExportZip10k exports 10,000 conversations to one zip in each
// format, reporting conversations per second, the zip size, and the time
// relative to json.Marshal of the same conversations (measured in the same
// run).
func BenchmarkExportZip10k(b *testing.B) {
	const n = 10_000
	convs := benchConversations(n)
	ids := make([]string, n)
	byID := make(map[string]*conversation.Conversation, n)
	for i, c := range convs {
		ids[i] = c.ID
		byID[c.ID] = c
	}
	load := func(_ context.Context, id string) (*conversation.Conversation, error) { return byID[id], nil }

	start := time.Now()
	for _, c := range convs {
		if _, err := json.Marshal(c); err != nil {
			b.Fatal(err)
		}
	}
	baseline := time.Since(start)

	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for i := 0; i < b.N; i++ {
				cw := &countWriter{w: io.Discard}
				last := 0
				if _, err := ExportZip(context.Background(), cw, ids, load, f, Options{}, func(done, _ int) { last = done }); err != nil {
					b.Fatal(err)
				}
				if last != n {
					b.Fatalf("progress ended at %d", last)
				}
				size = cw.n
			}
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(n)/perOp.Seconds(), "conversations/s")
			b.ReportMetric(float64(size)/(1<<20), "zip-MB")
			b.ReportMetric(float64(perOp)/float64(baseline), "x-json.Marshal")
		})
	}
}
