//go:build js && wasm

package store

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"strconv"
	"testing"
	"time"

	"murmur/backend/browserdb"
	"murmur/backend/conversation"
)

// The browser's corpus: 1,000 conversations of 100 messages (100,000
// messages, about 45 MB of JSON), the budget of the web build (issue 12):
// the first page of the list at most 50 ms after the store is open, a search
// at most 100 ms, and no reading of every file at each start.
const browserBenchConvs = 1000

// BenchmarkBrowser measures the store in the browser on the corpus, each
// figure beside its baseline from the same run: the files-only catalog,
// which is what the web build had (it reads every file at Open, and every
// file at each search).
func BenchmarkBrowser(b *testing.B) {
	ctx := context.Background()
	name, dir := "store bench", "/murmur"
	if err := browserdb.DeleteDatabase(ctx, name); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { browserdb.DeleteDatabase(context.Background(), name) })
	db, err := browserdb.Open(ctx, name)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	words := benchWords()
	fsy := newIDBFS(db)
	if err := fsy.MkdirAll(dir+"/"+convDirName, 0o700); err != nil {
		b.Fatal(err)
	}
	size := 0
	for i := 0; i < browserBenchConvs; i++ {
		data, err := encode(benchConversation(i, words))
		if err != nil {
			b.Fatal(err)
		}
		size += len(data)
		c := benchConversation(i, words)
		if err := writeAtomic(fsy, dir+"/"+convDirName, c.ID+fileExt, data, false); err != nil {
			b.Fatal(err)
		}
	}

	open := func(b *testing.B, opts ...Option) *Store {
		s, err := Open(ctx, dir, append([]Option{WithBrowserDB(db)}, opts...)...)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	// The first Open builds the index: every file read once.
	b.Run("build-index", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if err := fsy.Remove(dir + "/" + staleMarkName); err != nil && !errors.Is(err, fs.ErrNotExist) {
				b.Fatal(err)
			}
			err := fsy.update([]string{catalogStore, textsStore, searchStore}, func(tx *browserdb.Tx) error {
				return clearIndex(tx, dir+"/"+convDirName+"/")
			})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			s := open(b)
			b.StopTimer()
			if rep := s.OpenReport(); rep.Reindexed != browserBenchConvs {
				b.Fatalf("build: %+v", rep)
			}
			s.Close()
			b.StartTimer()
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/build")
	})

	// Open: until the store is open, then until the first page is there.
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"open/index", nil}, {"open/files-baseline", []Option{withoutIndex()}}} {
		b.Run(mode.name, func(b *testing.B) {
			var opened, listed, searchable time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				s := open(b, mode.opts...)
				opened += time.Since(start)
				p, err := s.List(ctx, ListQuery{})
				if err != nil || len(p.Items) != DefaultLimit {
					b.Fatalf("list: %d items, %v", len(p.Items), err)
				}
				listed += time.Since(start)
				b.StopTimer()
				if _, err := s.Search(ctx, SearchQuery{Text: words[5000]}); err != nil {
					b.Fatal(err)
				}
				searchable += time.Since(start)
				<-s.Reconciled()
				if rep := s.OpenReport(); rep.Reindexed != 0 || rep.Conversations != browserBenchConvs {
					b.Fatalf("report %+v", rep)
				}
				s.Close()
				b.StartTimer()
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(ms(opened), "ms/open")
			b.ReportMetric(ms(listed-opened), "ms/first-page-after-open")
			b.ReportMetric(ms(searchable), "ms/open-to-first-search")
		})
	}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := open(b)
	defer s.Close()
	b.Run("memory", func(b *testing.B) {
		var after runtime.MemStats
		for i := 0; i < b.N; i++ {
			// The texts are in memory once a search has run.
			if _, err := s.Search(ctx, SearchQuery{Text: "x"}); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "MB-heap-open-store")
		b.ReportMetric(float64(size)/(1<<20), "MB-of-files")
	})

	b.Run("list-first-page", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if p, err := s.List(ctx, ListQuery{}); err != nil || len(p.Items) != DefaultLimit {
				b.Fatalf("list: %d items, %v", len(p.Items), err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/list")
	})

	// The files-only search reads every file: the baseline, once per query.
	scan := newMemCatalog(func(id string) (*conversation.Conversation, error) {
		c, _, err := s.read(id)
		return c, err
	})
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
	for _, q := range []struct{ name, text string }{
		{"rare-word", words[5000]},
		{"two-words", words[300] + " " + words[40]},
		{"prefix", words[2000][:len(words[2000])-1]},
		{"common-word", words[3]},
		{"no-match", "qqqqzzzz"},
	} {
		// The scan alone: a page of one hit needs one stored text.
		b.Run("search-limit-1/"+q.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err = s.Search(ctx, SearchQuery{Text: q.text, Limit: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
		})
		start := time.Now()
		sp, err := scan.search(ctx, SearchQuery{Text: q.text})
		if err != nil {
			b.Fatal(err)
		}
		scanTime := time.Since(start)
		b.Run("search/"+q.name, func(b *testing.B) {
			var p Page[Hit]
			for i := 0; i < b.N; i++ {
				if p, err = s.Search(ctx, SearchQuery{Text: q.text}); err != nil {
					b.Fatal(err)
				}
			}
			if p.Total != sp.Total {
				b.Fatalf("index found %d conversations, the scan %d", p.Total, sp.Total)
			}
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(perOp.Microseconds())/1000, "ms/search")
			b.ReportMetric(float64(scanTime.Milliseconds()), "ms/files-baseline")
			b.ReportMetric(float64(scanTime)/float64(perOp), "x-faster")
			b.ReportMetric(float64(p.Total), "hits")
		})
	}

	// A save of a 100-message conversation (file and index), and the
	// checkpoint of a streaming reply.
	c := benchConversation(1, words)
	data, _ := encode(c)
	b.Run("save-100-messages", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			c.Title = "title " + strconv.Itoa(i)
			if err := s.Save(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/save")
	})
	b.Run("checkpoint", func(b *testing.B) {
		m := c.Messages[len(c.Messages)-1]
		text := m.Content.PlainText()
		for i := 0; i < b.N; i++ {
			m.Content = conversation.TextContent(text + strconv.Itoa(i))
			if err := s.UpdateMessage(ctx, c.ID, m); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/checkpoint")
	})
}
