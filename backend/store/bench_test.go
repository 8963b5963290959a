//go:build !js

package store

import (
	"bufio"
	"bytes"
	"context"

	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/backend/conversation"
)

// The benchmark corpus: 10,000 conversations of 100 messages (1,000,000
// messages, about 450 MB of JSON), generated once from a fixed seed and
// cached under os.TempDir(). Delete the folder to regenerate it.
const (
	benchConvs    = 10_000
	benchMessages = 100
	benchSeed     = 20261128
	benchVocab    = 20_000
)

func benchCorpusDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("murmur-store-bench-v1-%dx%d", benchConvs, benchMessages))
}

// benchWords is the corpus vocabulary: synthetic words, some with
// diacritics, used with a Zipf distribution so that some words are in
// most messages and most words are rare.
func benchWords() []string {
	rng := rand.New(rand.NewPCG(benchSeed, 1))
	syl := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "pe", "qua", "stra", "ben", "dor", "fel",
		"gri", "hap", "jus", "mor", "nix", "plo", "ré", "çi", "ü", "sé", "bå"}
	seen := map[string]bool{}
	words := make([]string, 0, benchVocab)
	for len(words) < benchVocab {
		n := 1 + rng.IntN(4)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// benchID makes a canonical version-7-shaped UUID from the generator.
func benchID(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	h := fmt.Sprintf("%x", b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// benchConversation is conversation i of the corpus (deterministic).
func benchConversation(i int, words []string) *conversation.Conversation {
	rng := rand.New(rand.NewPCG(benchSeed, uint64(i)+2))
	zipf := rand.NewZipf(rng, 1.07, 2, benchVocab-1)
	text := func(minW, maxW int) string {
		n := minW + rng.IntN(maxW-minW+1)
		var b strings.Builder
		for k := 0; k < n; k++ {
			if k > 0 {
				if rng.IntN(12) == 0 {
					b.WriteString(". ")
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(words[zipf.Uint64()])
		}
		return b.String()
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(700*24)) * time.Hour)
	c := &conversation.Conversation{
		Format: conversation.Format, Version: conversation.SchemaVersion, ID: benchID(rng),
		Title: text(2, 6), CreatedAt: base, UpdatedAt: base.Add(benchMessages * time.Minute),
		Pinned: i%500 == 0, Archived: i%20 == 0, ProviderID: "swarms", Model: "gpt-4o",
		Messages: make([]conversation.Message, 0, benchMessages),
	}
	for j := 0; j < benchMessages; j++ {
		m := conversation.Message{ID: benchID(rng), Role: conversation.RoleUser, Status: conversation.StatusComplete,
			CreatedAt: base.Add(time.Duration(j) * time.Minute), Content: conversation.TextContent(text(4, 30))}
		if j%2 == 1 {
			m.Role = conversation.RoleAssistant
			m.Model = "gpt-4o"
			m.FinishReason = "stop"
			m.Content = conversation.TextContent(text(10, 60))
		}
		c.Append(m)
	}
	return c
}

// benchCorpus returns a data folder holding the corpus and an up-to-date
// index, generating and indexing it on first use.
func benchCorpus(b *testing.B) string {
	b.Helper()
	dir := benchCorpusDir()
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		b.Logf("generating %d conversations x %d messages in %s (once)", benchConvs, benchMessages, dir)
		start := time.Now()
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		cdir := filepath.Join(dir, convDirName)
		if err := os.MkdirAll(cdir, 0o700); err != nil {
			b.Fatal(err)
		}
		words := benchWords()
		var wg sync.WaitGroup
		errs := make(chan error, runtime.GOMAXPROCS(0))
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := w; i < benchConvs; i += runtime.GOMAXPROCS(0) {
					c := benchConversation(i, words)
					data, err := encode(c)
					if err == nil {
						err = os.WriteFile(filepath.Join(cdir, c.ID+fileExt), data, 0o600)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated in %s", time.Since(start).Round(time.Millisecond))
	}
	// Bring the cached index up to date (a no-op after the first run).
	start := time.Now()
	s, err := Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	if rep := s.OpenReport(); rep.Reindexed > 0 {
		b.Logf("indexed %d conversations in %s (once)", rep.Reindexed, time.Since(start).Round(time.Millisecond))
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkOpenFirstPage: open the store with its index present and return
// the first page of the list (goal ≤ 20 ms at 10,000 conversations). The
// reconciliation with the files goes on in the background; the time until
// it is done (every file stat'ed and compared with the index) is reported
// as ms-until-reconciled.
func BenchmarkOpenFirstPage(b *testing.B) {
	dir := benchCorpus(b)
	ctx := context.Background()
	var firstPage, reconciled time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		s, err := Open(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.List(ctx, ListQuery{})
		if err != nil || len(p.Items) != DefaultLimit {
			b.Fatalf("list: %d items, %v", len(p.Items), err)
		}
		firstPage += time.Since(start)
		b.StopTimer()
		<-s.Reconciled()
		reconciled += time.Since(start)
		if rep := s.OpenReport(); rep.Reindexed != 0 || rep.Conversations != benchConvs {
			b.Fatalf("report %+v", rep)
		}
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(firstPage.Microseconds())/1000/float64(b.N), "ms/open+page")
	b.ReportMetric(float64(reconciled.Microseconds())/1000/float64(b.N), "ms-until-reconciled")
}

// BenchmarkSearchFirstPage: full-text search, first page, against a scan of
// all files on all cores (read, parse, validate, match each message until
// one matches: the files-only fallback) measured in the same run.
func BenchmarkSearchFirstPage(b *testing.B) {
	dir := benchCorpus(b)
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	words := benchWords()
	queries := []struct{ name, text string }{
		{"rare-word", words[5000]}, // in a few hundred messages
		{"two-words", words[300] + " " + words[40]},
		{"prefix", words[2000][:len(words[2000])-1]}, // typed without its last letter
		{"common-word", words[3]},                    // in a large share of all messages
	}
	scan := newMemCatalog(func(id string) (*conversation.Conversation, error) {
		c, _, err := s.read(id)
		return c, err
	})
	all, err := s.List(ctx, ListQuery{Archived: ArchivedInclude, Limit: MaxLimit})
	if err != nil {
		b.Fatal(err)
	}
	for off := 0; ; off += MaxLimit {
		p, err := s.List(ctx, ListQuery{Archived: ArchivedInclude, Offset: off, Limit: MaxLimit})
		if err != nil {
			b.Fatal(err)
		}
		for _, sum := range p.Items {
			scan.sums[sum.ID] = sum
		}
		if !p.More {
			break
		}
	}
	if len(scan.sums) != all.Total {
		b.Fatalf("scan baseline has %d conversations, index %d", len(scan.sums), all.Total)
	}
	for _, q := range queries {
		// Baseline, once per query: what search costs without the index.
		start := time.Now()
		sp, err := scan.search(ctx, SearchQuery{Text: q.text})
		if err != nil {
			b.Fatal(err)
		}
		scanTime := time.Since(start)
		b.Run(q.name, func(b *testing.B) {
			var p Page[Hit]
			for i := 0; i < b.N; i++ {
				p, err = s.Search(ctx, SearchQuery{Text: q.text})
				if err != nil {
					b.Fatal(err)
				}
			}
			if p.Total != sp.Total && !(p.Capped && p.Total <= sp.Total) {
				b.Fatalf("index found %d conversations (capped %v), the scan %d", p.Total, p.Capped, sp.Total)
			}
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(perOp.Microseconds())/1000, "ms/search")
			b.ReportMetric(float64(scanTime.Milliseconds()), "ms/scan-baseline")
			b.ReportMetric(float64(scanTime)/float64(perOp), "x-faster-than-scan")
			b.ReportMetric(float64(p.Total), "hits")
		})
	}
}

// BenchmarkSave100: save a 100-message conversation (file and index), with
// and without fsync: a re-save with one change (the usual case: only changed
// texts are re-indexed), and a new conversation (all 100 texts indexed).
func BenchmarkSave100(b *testing.B) {
	words := benchWords()
	for _, mode := range []struct {
		name     string
		opts     []Option
		newEvery bool // a new conversation each time: all 100 messages indexed
	}{
		{"fsync", nil, false},
		{"no-fsync", []Option{WithoutFsync()}, false},
		{"new-conversation-fsync", nil, true},
		{"new-conversation-no-fsync", []Option{WithoutFsync()}, true},
	} {
		b.Run(mode.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(ctx, b.TempDir(), mode.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			c := benchConversation(1, words)
			data, _ := encode(c)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.Title = "title " + strconv.Itoa(i)
				if mode.newEvery {
					c.ID = conversation.NewID()
				}
				if err := s.Save(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckpoint: UpdateMessage of the last message of a
// 100-message conversation, as the chat engine does while streaming.
func BenchmarkCheckpoint(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := benchConversation(2, benchWords())
	if err := s.Save(ctx, c); err != nil {
		b.Fatal(err)
	}
	m := c.Messages[len(c.Messages)-1]
	text := m.Content.PlainText()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Content = conversation.TextContent(text + strconv.Itoa(i))
		if err := s.UpdateMessage(ctx, c.ID, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRebuildIndex: delete index.db and open, which rebuilds it from
// the 10,000 files. Reports the time and the peak memory (Go heap, and on
// Linux the process's peak resident set, which includes SQLite's memory).
func BenchmarkRebuildIndex(b *testing.B) {
	corpus := benchCorpus(b)
	ctx := context.Background()
	dir := b.TempDir()
	// The rebuild reads the cached corpus through a link; it writes only its own index.
	if err := os.Symlink(filepath.Join(corpus, convDirName), filepath.Join(dir, convDirName)); err != nil {
		b.Fatal(err)
	}
	var peakHeap, peakRSS uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := removeIndexFiles(filepath.Join(dir, indexFileName)); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		resetPeakRSS()
		stop := sampleHeap()
		b.StartTimer()
		s, err := Open(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		peakHeap = max(peakHeap, stop())
		if rss, ok := peakRSSBytes(); ok {
			peakRSS = max(peakRSS, rss)
		}
		rep := s.OpenReport()
		s.Close()
		if !rep.Rebuilt || rep.Reindexed != benchConvs {
			b.Fatalf("rebuild report %+v", rep)
		}
		b.StartTimer()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/rebuild")
	b.ReportMetric(float64(peakHeap)/(1<<20), "MB-peak-heap")
	if peakRSS > 0 {
		b.ReportMetric(float64(peakRSS)/(1<<20), "MB-peak-RSS")
	}
}

// sampleHeap samples the live Go heap every 5 ms until the returned
// function is called, which returns the peak.
func sampleHeap() func() uint64 {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

// resetPeakRSS resets the kernel's peak-RSS mark of this process (Linux).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSBytes reads VmHWM, the peak resident set since the last reset (Linux).
func peakRSSBytes() (uint64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
