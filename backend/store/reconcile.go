package store

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"murmur/backend/conversation"
)

// streamingCount counts the messages of c still being written.
func streamingCount(c *conversation.Conversation) int {
	n := 0
	for i := range c.Messages {
		if c.Messages[i].Status == conversation.StatusStreaming {
			n++
		}
	}
	return n
}

// indexedFile is what an index knows of a file: the version it indexed, and
// whether that version had a message still streaming.
type indexedFile struct {
	st        fileStat
	streaming bool
}

// reconcile brings the index in line with the files: new or changed files
// (by size and modification time) are read and indexed, rows without a file
// are removed, files with a message left streaming are recovered. Unchanged
// files are not read. The index rows are read while the files are stat'ed.
func (s *Store) reconcile(ctx context.Context, ix *index, entries []os.DirEntry, fresh bool) error {
	type result struct {
		known map[string]indexedFile
		err   error
	}
	res := make(chan result, 1)
	go func() {
		if fresh {
			res <- result{known: map[string]indexedFile{}}
			return
		}
		known, err := ix.fileStats(ctx)
		res <- result{known, err}
	}()
	stats := statEntries(entries)
	r := <-res
	if r.err != nil {
		return fmt.Errorf("read index: %w", r.err)
	}
	known := r.known

	var todo []string
	mtime := map[string]int64{} // of the files in todo, to read them oldest first
	onDisk := make(map[string]bool, len(entries))
	for i, e := range entries {
		name := e.Name()
		id := strings.TrimSuffix(name, fileExt)
		k, inIndex := known[id]
		// Names in the index were checked when they were indexed.
		if !inIndex || len(id) == len(name) {
			var ok bool
			if id, ok = s.convFile(e); !ok {
				continue
			}
		}
		onDisk[id] = true
		if inIndex && !k.streaming && stats[i].ok && stats[i].st == k.st {
			continue
		}
		todo = append(todo, id)
		if stats[i].ok {
			mtime[id] = stats[i].st.mtime
		}
	}
	var gone []string
	for id := range known {
		if !onDisk[id] {
			gone = append(gone, id)
		}
	}
	// Oldest first, so that index row order follows recency (the search
	// for very common words walks rows newest first).
	sort.SliceStable(todo, func(a, b int) bool { return mtime[todo[a]] < mtime[todo[b]] })
	n, err := s.indexFiles(ctx, ix, todo, known)
	if err != nil {
		return err
	}
	// A changed file that no longer loads was quarantined (moved away) or
	// is now from a newer Murmur: its old row must go too, or the list would
	// show what Get cannot open.
	s.mu.RLock()
	newer := make(map[string]bool, len(s.report.Newer))
	for _, id := range s.report.Newer {
		newer[id] = true
	}
	s.mu.RUnlock()
	for _, id := range todo {
		if _, was := known[id]; was && (newer[id] || !s.exists(s.path(id))) {
			gone = append(gone, id)
		}
	}
	for _, id := range gone {
		if err := ix.remove(ctx, id); err != nil {
			return err
		}
	}
	s.mu.Lock()
	// Files that failed to load (quarantined) are not conversations.
	s.report.Conversations = len(onDisk) - (len(todo) - n)
	s.report.Reindexed = n
	s.report.Removed = len(gone)
	s.report.Rebuilt = fresh
	s.mu.Unlock()
	return nil
}

type entryStat struct {
	st fileStat
	ok bool
}

// statEntries stats the folder entries in parallel (the calls block in the
// kernel, so a few goroutines per core pay off).
func statEntries(entries []os.DirEntry) []entryStat {
	out := make([]entryStat, len(entries))
	workers := min(4*runtime.GOMAXPROCS(0), 1+len(entries)/256)
	var wg sync.WaitGroup
	chunk := (len(entries) + workers - 1) / workers
	for from := 0; from < len(entries); from += chunk {
		to := min(len(entries), from+chunk)
		wg.Add(1)
		go func(from, to int) {
			defer wg.Done()
			for i := from; i < to; i++ {
				if fi, err := entries[i].Info(); err == nil && fi.Mode().IsRegular() {
					out[i] = entryStat{statOf(fi), true}
				}
			}
		}(from, to)
	}
	wg.Wait()
	return out
}

// loaded is one file read for indexing.
type loaded struct {
	c  *conversation.Conversation
	st fileStat
}

// loadFiles reads the conversations of ids with workers goroutines and sends
// those it can read on the channel it returns, which is closed when all are
// read or ctx ends (cancel ctx to stop early). A file that cannot be read
// is left out: load has quarantined or reported it.
func (s *Store) loadFiles(ctx context.Context, ids []string, workers int) <-chan loaded {
	jobs := make(chan string)
	out := make(chan loaded, 64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				if c, st, ok := s.load(id); ok {
					select {
					case out <- loaded{c, st}:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, id := range ids {
			select {
			case jobs <- id:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	return out
}
