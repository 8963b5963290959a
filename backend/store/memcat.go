package store

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"murmur/backend/conversation"
)

// memCatalog serves the list from summaries kept in memory and searches by
// reading the files. It is the fallback when the index is unavailable, and
// the baseline the index is measured against.
type memCatalog struct {
	read func(id string) (*conversation.Conversation, error)

	mu   sync.RWMutex
	sums map[string]Summary
	// srcs holds the import source of each conversation that has one;
	// bySource finds the conversations of one source.
	srcs     map[string]conversation.Source
	bySource map[sourceKey]map[string]bool
	// atts holds the attachment ids of each conversation that has some.
	atts map[string][]string
}

// sourceKey names one conversation of one service.
type sourceKey struct{ service, id string }

func newMemCatalog(read func(string) (*conversation.Conversation, error)) *memCatalog {
	return &memCatalog{read: read, sums: make(map[string]Summary),
		srcs: make(map[string]conversation.Source), bySource: make(map[sourceKey]map[string]bool),
		atts: make(map[string][]string)}
}

func wanted(a Archived, archived bool) bool {
	switch a {
	case ArchivedOnly:
		return archived
	case ArchivedInclude:
		return true
	}
	return !archived
}

// listOrder is the order of the list: pinned first, then most recent.
func listOrder(a, b Summary) bool {
	if a.Pinned != b.Pinned {
		return a.Pinned
	}
	if !a.UpdatedAt.Equal(b.UpdatedAt) {
		return a.UpdatedAt.After(b.UpdatedAt)
	}
	return a.ID > b.ID
}

func (m *memCatalog) sorted(a Archived) []Summary {
	m.mu.RLock()
	out := make([]Summary, 0, len(m.sums))
	for _, s := range m.sums {
		if wanted(a, s.Archived) {
			out = append(out, s)
		}
	}
	m.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return listOrder(out[i], out[j]) })
	return out
}

func page[T any](all []T, offset, limit int) Page[T] {
	p := Page[T]{Items: []T{}, Total: len(all)}
	if offset < len(all) {
		end := min(len(all), offset+limit)
		p.Items = append(p.Items, all[offset:end]...)
		p.More = end < len(all)
	}
	return p
}

func (m *memCatalog) list(ctx context.Context, q ListQuery) (Page[Summary], error) {
	return page(m.sorted(q.Archived), q.Offset, q.Limit), nil
}

// search reads every candidate file (on all cores); hits come in list order.
func (m *memCatalog) search(ctx context.Context, q SearchQuery) (Page[Hit], error) {
	mt := matcher{terms: searchTerms(q.Text)}
	cands := m.sorted(q.Archived)
	results := make([]*Hit, len(cands))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(cands) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				h, err := m.searchOne(mt, cands[i])
				if err != nil {
					errs[w] = err
					return
				}
				results[i] = h
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Page[Hit]{}, err
	}
	hits := make([]Hit, 0, len(results))
	for _, h := range results {
		if h != nil {
			hits = append(hits, *h)
		}
	}
	return page(hits, q.Offset, q.Limit), nil
}

// searchOne matches one conversation: its title, then its messages.
func (m *memCatalog) searchOne(mt matcher, s Summary) (*Hit, error) {
	if ok, segs := mt.match(s.Title); ok {
		return &Hit{Summary: s, Snippet: segs}, nil
	}
	c, err := m.read(s.ID)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrCorrupt) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range c.Messages {
		if ok, segs := mt.match(c.Messages[i].Content.PlainText()); ok {
			return &Hit{Summary: s, MessageID: c.Messages[i].ID, Snippet: segs}, nil
		}
	}
	return nil, nil
}

func (m *memCatalog) put(ctx context.Context, c *conversation.Conversation, st fileStat) error {
	m.set(summarize(c), c.Source, attachmentIDs(c))
	return nil
}

// set records the list row of a conversation, its import source (nil for
// none) and the attachments it refers to.
func (m *memCatalog) set(s Summary, src *conversation.Source, atts []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sums[s.ID] = s
	if len(atts) > 0 {
		m.atts[s.ID] = atts
	} else {
		delete(m.atts, s.ID)
	}
	m.dropSourceLocked(s.ID)
	if src != nil {
		m.srcs[s.ID] = *src
		k := sourceKey{src.Service, src.ID}
		if m.bySource[k] == nil {
			m.bySource[k] = make(map[string]bool, 1)
		}
		m.bySource[k][s.ID] = true
	}
}

// dropSourceLocked forgets the import source of conversation id.
func (m *memCatalog) dropSourceLocked(id string) {
	old, ok := m.srcs[id]
	if !ok {
		return
	}
	delete(m.srcs, id)
	k := sourceKey{old.Service, old.ID}
	delete(m.bySource[k], id)
	if len(m.bySource[k]) == 0 {
		delete(m.bySource, k)
	}
}

// findSource picks, among the conversations of one source, the most
// recently updated (as the index does).
func (m *memCatalog) findSource(ctx context.Context, service, id string) (Imported, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var best Summary
	found := false
	for cid := range m.bySource[sourceKey{service, id}] {
		s := m.sums[cid]
		if !found || s.UpdatedAt.After(best.UpdatedAt) || (s.UpdatedAt.Equal(best.UpdatedAt) && s.ID > best.ID) {
			best, found = s, true
		}
	}
	if found {
		return Imported{ID: best.ID, SourceUpdated: m.srcs[best.ID].UpdatedAt}, true, nil
	}
	if service == conversation.SourceMurmur {
		if s, ok := m.sums[id]; ok {
			return Imported{ID: s.ID, SourceUpdated: s.UpdatedAt}, true, nil
		}
	}
	return Imported{}, false, nil
}

func (m *memCatalog) putMessage(ctx context.Context, c *conversation.Conversation, msgID string, st fileStat) error {
	return m.put(ctx, c, st)
}

func (m *memCatalog) remove(ctx context.Context, id string) error {
	m.mu.Lock()
	delete(m.sums, id)
	delete(m.atts, id)
	m.dropSourceLocked(id)
	m.mu.Unlock()
	return nil
}

func (m *memCatalog) attachmentsInUse(context.Context) (map[string]bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	used := make(map[string]bool)
	for _, ids := range m.atts {
		for _, id := range ids {
			used[id] = true
		}
	}
	return used, nil
}

func (m *memCatalog) close() error { return nil }
