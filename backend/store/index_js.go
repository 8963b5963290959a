//go:build js

package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"murmur/backend/browserdb"
	"murmur/backend/conversation"
)

// The browser has no SQLite. On a browser database (WithBrowserDB) the index
// is two object stores beside the files: one list row (catalogStore) and one
// record of texts (textsStore) per conversation, keyed by the path of its
// file, written together in one transaction after the file. They are
// reconciled with the files by size and modification time at Open, as the
// SQLite index is: unchanged files are not read. The rows are read before
// Open returns and the list is served from memory; the texts are read in
// the background and kept in memory folded (lowercase, no diacritics), so a
// search scans memory and reads only the texts of the page's hits for their
// snippets. Hits come in list order (pinned, then most recent), as the
// files-only catalog gives them.
//
// A js build on plain files (Node) has no index: the files-only catalog.

var errNoIndex = errors.New("the web build keeps its index in the browser database; on files the list and search use the conversation files")

// index is the persisted catalog of this build: the browser database.
type index = idbIndex

// catalogVersion is bumped whenever what the rows or texts hold changes; an
// index of another version is rebuilt from the files.
const catalogVersion = 1

type idbIndex struct {
	// db is the index's own connection to the store's database, closed
	// with the index.
	db *browserdb.DB
	fs *idbFS // for the lock epoch every write checks
	// prefix starts every key: the conversations folder and a slash.
	prefix string
	mem    *memCatalog
	read   func(id string) (*conversation.Conversation, error)

	mu    sync.RWMutex // guards the fields below
	known map[string]indexedFile
	texts map[string]*foldedTexts
	// touched records the conversations written while the texts were
	// loading: their stored texts are older than those in memory.
	touched    map[string]bool
	textsErr   error
	textsReady chan struct{}
}

func (ix *idbIndex) key(id string) string { return ix.prefix + id + fileExt }

func (ix *idbIndex) markerKey() string { return "index:" + ix.prefix }

// openIndex opens the index on the store's browser database: the rows are
// read now, the texts in the background. fresh reports an index that is new
// (or of another version) and must be filled from the files.
func (s *Store) openIndex(ctx context.Context) (*idbIndex, bool, error) {
	f, ok := baseFS(s.fs).(*idbFS)
	if !ok {
		return nil, false, errNoIndex
	}
	if err := f.ready(); err != nil {
		return nil, false, err
	}
	db, err := browserdb.Open(ctx, f.db.Name(), browserStores...)
	if err != nil {
		return nil, false, err
	}
	ix := &idbIndex{
		db: db, fs: f, prefix: s.convDir + "/", mem: newMemCatalog(nil),
		read: func(id string) (*conversation.Conversation, error) {
			c, _, err := s.read(id)
			return c, err
		},
		known: map[string]indexedFile{}, texts: map[string]*foldedTexts{}, touched: map[string]bool{},
		textsReady: make(chan struct{}),
	}
	fresh, err := ix.loadRows(ctx, s)
	if err != nil {
		db.Close()
		return nil, false, err
	}
	if fresh {
		ix.touched = nil
		close(ix.textsReady)
	} else {
		go ix.loadTexts(context.WithoutCancel(ctx), s)
	}
	return ix, fresh, nil
}

// catalogRow is one conversation's list row as stored.
type catalogRow struct {
	Title        string               `json:"title"`
	CreatedAt    int64                `json:"created_at"`
	UpdatedAt    int64                `json:"updated_at"`
	Pinned       bool                 `json:"pinned,omitempty"`
	Archived     bool                 `json:"archived,omitempty"`
	ProviderID   string               `json:"provider_id,omitempty"`
	Model        string               `json:"model,omitempty"`
	MessageCount int                  `json:"message_count"`
	Preview      string               `json:"preview,omitempty"`
	Streaming    bool                 `json:"streaming,omitempty"`
	Size         int64                `json:"size"`
	MTime        int64                `json:"mtime"`
	Source       *conversation.Source `json:"source,omitempty"`
	Attachments  []string             `json:"attachments,omitempty"`
}

func rowOf(c *conversation.Conversation, st fileStat) catalogRow {
	sum := summarize(c)
	return catalogRow{
		Title: sum.Title, CreatedAt: sum.CreatedAt.UnixNano(), UpdatedAt: sum.UpdatedAt.UnixNano(),
		Pinned: sum.Pinned, Archived: sum.Archived, ProviderID: sum.ProviderID, Model: sum.Model,
		MessageCount: sum.MessageCount, Preview: sum.Preview, Streaming: streamingCount(c) > 0,
		Size: st.size, MTime: st.mtime, Source: c.Source, Attachments: attachmentIDs(c),
	}
}

func (r catalogRow) summary(id string) Summary {
	return Summary{
		ID: id, Title: r.Title, CreatedAt: time.Unix(0, r.CreatedAt).UTC(), UpdatedAt: time.Unix(0, r.UpdatedAt).UTC(),
		Pinned: r.Pinned, Archived: r.Archived, ProviderID: r.ProviderID, Model: r.Model,
		MessageCount: r.MessageCount, Preview: r.Preview,
	}
}

// loadRows reads the rows into memory. An index of another version (or
// none) is cleared and reported fresh. A row that does not decode is left
// out: its file is read again by the reconciliation.
func (ix *idbIndex) loadRows(ctx context.Context, s *Store) (fresh bool, err error) {
	var marker []byte
	var rows []browserdb.Entry
	err = ix.db.View(ctx, []string{catalogStore}, func(tx *browserdb.Tx) error {
		marker, err = tx.Get(catalogStore, ix.markerKey())
		if errors.Is(err, browserdb.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		rows, err = tx.List(catalogStore, ix.prefix)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("read index: %w", err)
	}
	if len(marker) != 1 || marker[0] != catalogVersion {
		err := ix.fs.updateOn(ix.db, []string{catalogStore, textsStore}, func(tx *browserdb.Tx) error {
			if err := tx.DeletePrefix(catalogStore, ix.prefix); err != nil {
				return err
			}
			if err := tx.DeletePrefix(textsStore, ix.prefix); err != nil {
				return err
			}
			return tx.Put(catalogStore, ix.markerKey(), []byte{catalogVersion})
		})
		if err != nil {
			return false, fmt.Errorf("create index: %w", err)
		}
		return true, nil
	}
	for _, e := range rows {
		id := strings.TrimSuffix(e.Key[len(ix.prefix):], fileExt)
		var r catalogRow
		if err := json.Unmarshal(e.Value, &r); err != nil || !conversation.ValidID(id) {
			s.log.Warn("store: an index row is damaged; its file is read again", "key", e.Key, "err", err)
			continue
		}
		ix.known[id] = indexedFile{st: fileStat{size: r.Size, mtime: r.MTime}, streaming: r.Streaming}
		ix.mem.set(r.summary(id), r.Source, r.Attachments)
	}
	return false, nil
}

// loadTexts reads every stored text into memory. Texts that do not decode
// are taken from the conversation's file instead.
func (ix *idbIndex) loadTexts(ctx context.Context, s *Store) {
	var all []browserdb.Entry
	err := ix.db.View(ctx, []string{textsStore}, func(tx *browserdb.Tx) (err error) {
		all, err = tx.List(textsStore, ix.prefix)
		return err
	})
	loaded := make(map[string]*foldedTexts, len(all))
	for _, e := range all {
		id := strings.TrimSuffix(e.Key[len(ix.prefix):], fileExt)
		ts, derr := decodeTexts(e.Value)
		if derr != nil {
			s.log.Warn("store: the search texts of a conversation are damaged; reading its file", "conversation", id, "err", derr)
			continue
		}
		loaded[id] = foldTexts(ts)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err != nil {
		ix.textsErr = fmt.Errorf("read the search texts: %w", err)
	}
	for id, ft := range loaded {
		if _, ok := ix.known[id]; ok && !ix.touched[id] {
			ix.texts[id] = ft
		}
	}
	// Conversations listed without texts (damaged, or missing): from the file.
	for id := range ix.known {
		if ix.texts[id] == nil && !ix.touched[id] {
			if c, err := ix.read(id); err == nil {
				ix.texts[id] = foldTexts(textsOf(c))
			}
		}
	}
	ix.touched = nil
	close(ix.textsReady)
}

func (ix *idbIndex) waitTexts(ctx context.Context) error {
	select {
	case <-ix.textsReady:
	case <-ctx.Done():
		return ctx.Err()
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.textsErr
}

// text is one searchable text of a conversation: its title (id "") or a message.
type text struct{ id, body string }

// textsOf lists the searchable texts of c: the title, then every message.
func textsOf(c *conversation.Conversation) []text {
	ts := make([]text, 0, 1+len(c.Messages))
	ts = append(ts, text{"", c.Title})
	for i := range c.Messages {
		ts = append(ts, text{c.Messages[i].ID, c.Messages[i].Content.PlainText()})
	}
	return ts
}

const textsVersion = 1

// encodeTexts stores texts as a version byte and, per text, its id and body
// each preceded by its length.
func encodeTexts(ts []text) []byte {
	n := 1
	for _, t := range ts {
		n += len(t.id) + len(t.body) + 2*binary.MaxVarintLen32
	}
	b := make([]byte, 0, n)
	b = append(b, textsVersion)
	for _, t := range ts {
		b = binary.AppendUvarint(b, uint64(len(t.id)))
		b = append(b, t.id...)
		b = binary.AppendUvarint(b, uint64(len(t.body)))
		b = append(b, t.body...)
	}
	return b
}

func decodeTexts(b []byte) ([]text, error) {
	if len(b) == 0 || b[0] != textsVersion {
		return nil, errors.New("unknown format")
	}
	b = b[1:]
	next := func() (string, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return "", errors.New("truncated")
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, nil
	}
	var ts []text
	for len(b) > 0 {
		id, err := next()
		if err != nil {
			return nil, err
		}
		body, err := next()
		if err != nil {
			return nil, err
		}
		ts = append(ts, text{id, body})
	}
	return ts, nil
}

// foldedTexts is what the search scans: the folded texts of one
// conversation, each followed by a newline (never part of a word), and where
// each ends.
type foldedTexts struct {
	all  string
	ends []int32
}

func foldTexts(ts []text) *foldedTexts {
	var b strings.Builder
	ends := make([]int32, len(ts))
	for i, t := range ts {
		b.WriteString(fold(t.body))
		ends[i] = int32(b.Len())
		b.WriteByte('\n')
	}
	return &foldedTexts{all: b.String(), ends: ends}
}

// find returns the index of the first text in which every term starts a
// word, or -1. terms are folded, longest first (the rarest, most likely).
func (f *foldedTexts) find(terms []string) int {
	for _, t := range terms {
		if !strings.Contains(f.all, t) {
			return -1
		}
	}
	first, rest := terms[0], terms[1:]
	seg := 0
	for pos := 0; pos < len(f.all); {
		i := strings.Index(f.all[pos:], first)
		if i < 0 {
			return -1
		}
		p := pos + i
		if !wordStart(f.all, p) {
			pos = p + 1
			continue
		}
		for int(f.ends[seg]) < p {
			seg++
		}
		start := 0
		if seg > 0 {
			start = int(f.ends[seg-1]) + 1
		}
		body := f.all[start:f.ends[seg]]
		all := true
		for _, t := range rest {
			if !hasWordPrefix(body, t) {
				all = false
				break
			}
		}
		if all {
			return seg
		}
		pos = int(f.ends[seg]) + 1
		seg++
	}
	return -1
}

// wordStart reports whether a word starts at byte p of s.
func wordStart(s string, p int) bool {
	if p == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:p])
	return !isWordRune(r)
}

// hasWordPrefix reports whether some word of s starts with t.
func hasWordPrefix(s, t string) bool {
	for pos := 0; pos < len(s); {
		i := strings.Index(s[pos:], t)
		if i < 0 {
			return false
		}
		if wordStart(s, pos+i) {
			return true
		}
		pos += i + 1
	}
	return false
}

func (ix *idbIndex) list(ctx context.Context, q ListQuery) (Page[Summary], error) {
	return ix.mem.list(ctx, q)
}

func (ix *idbIndex) findSource(ctx context.Context, service, id string) (Imported, bool, error) {
	return ix.mem.findSource(ctx, service, id)
}

func (ix *idbIndex) attachmentsInUse(ctx context.Context) (map[string]bool, error) {
	return ix.mem.attachmentsInUse(ctx)
}

// search finds, in list order, the conversations with a text in which every
// word of the query starts a word, and cuts the snippets of the page's hits
// from their stored texts.
func (ix *idbIndex) search(ctx context.Context, q SearchQuery) (Page[Hit], error) {
	terms := searchTerms(q.Text)
	if len(terms) == 0 {
		return Page[Hit]{Items: []Hit{}}, nil
	}
	if err := ix.waitTexts(ctx); err != nil {
		return Page[Hit]{}, err
	}
	scan := append([]string(nil), terms...)
	for i := 1; i < len(scan); i++ { // longest first
		for j := i; j > 0 && len(scan[j]) > len(scan[j-1]); j-- {
			scan[j], scan[j-1] = scan[j-1], scan[j]
		}
	}
	type found struct {
		sum Summary
		k   int
	}
	var hits []found
	cands := ix.mem.sorted(q.Archived)
	ix.mu.RLock()
	for i, sum := range cands {
		if i%256 == 0 && ctx.Err() != nil {
			ix.mu.RUnlock()
			return Page[Hit]{}, ctx.Err()
		}
		if ft := ix.texts[sum.ID]; ft != nil {
			if k := ft.find(scan); k >= 0 {
				hits = append(hits, found{sum, k})
			}
		}
	}
	ix.mu.RUnlock()

	p := Page[Hit]{Items: []Hit{}, Total: len(hits)}
	if q.Offset >= len(hits) {
		return p, nil
	}
	end := min(len(hits), q.Offset+q.Limit)
	window := hits[q.Offset:end]
	p.More = end < len(hits)
	// The stored texts of the message hits, for their snippets and ids.
	var keys []string
	for _, h := range window {
		if h.k > 0 {
			keys = append(keys, ix.key(h.sum.ID))
		}
	}
	var stored [][]byte
	if len(keys) > 0 {
		err := ix.db.View(ctx, []string{textsStore}, func(tx *browserdb.Tx) (err error) {
			stored, err = tx.GetMany(textsStore, keys)
			return err
		})
		if err != nil {
			return Page[Hit]{}, fmt.Errorf("read the texts of the hits: %w", err)
		}
	}
	mt := matcher{terms: terms}
	for _, h := range window {
		hit := Hit{Summary: h.sum}
		body := h.sum.Title
		if h.k > 0 {
			ts, err := decodeTexts(stored[0])
			stored = stored[1:]
			if err != nil || h.k >= len(ts) {
				// Changed or damaged since: the file says what it holds now.
				c, rerr := ix.read(h.sum.ID)
				if rerr != nil {
					continue
				}
				ts = textsOf(c)
				if h.k >= len(ts) {
					continue
				}
			}
			hit.MessageID, body = ts[h.k].id, ts[h.k].body
		}
		if ok, segs := mt.match(body); ok {
			hit.Snippet = segs
		} else {
			hit.Snippet = mt.snippet(body)
		}
		p.Items = append(p.Items, hit)
	}
	return p, nil
}

func (ix *idbIndex) put(ctx context.Context, c *conversation.Conversation, st fileStat) error {
	return ix.putMany(ctx, []loaded{{c, st}})
}

func (ix *idbIndex) putMessage(ctx context.Context, c *conversation.Conversation, msgID string, st fileStat) error {
	return ix.put(ctx, c, st)
}

// putMany writes the rows and texts of conversations in one transaction,
// then takes them into memory.
func (ix *idbIndex) putMany(ctx context.Context, ls []loaded) error {
	rows := make([][]byte, len(ls))
	texts := make([][]text, len(ls))
	for i, l := range ls {
		b, err := json.Marshal(rowOf(l.c, l.st))
		if err != nil {
			return fmt.Errorf("index %s: %w", l.c.ID, err)
		}
		rows[i], texts[i] = b, textsOf(l.c)
	}
	err := ix.fs.updateOn(ix.db, []string{catalogStore, textsStore}, func(tx *browserdb.Tx) error {
		for i, l := range ls {
			if err := tx.Put(catalogStore, ix.key(l.c.ID), rows[i]); err != nil {
				return err
			}
			if err := tx.Put(textsStore, ix.key(l.c.ID), encodeTexts(texts[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	folded := make([]*foldedTexts, len(ls))
	for i := range ls {
		folded[i] = foldTexts(texts[i])
	}
	ix.mu.Lock()
	for i, l := range ls {
		ix.known[l.c.ID] = indexedFile{st: l.st, streaming: streamingCount(l.c) > 0}
		ix.texts[l.c.ID] = folded[i]
		if ix.touched != nil {
			ix.touched[l.c.ID] = true
		}
	}
	ix.mu.Unlock()
	for _, l := range ls {
		ix.mem.put(ctx, l.c, l.st)
	}
	return nil
}

func (ix *idbIndex) remove(ctx context.Context, id string) error {
	err := ix.fs.updateOn(ix.db, []string{catalogStore, textsStore}, func(tx *browserdb.Tx) error {
		if err := tx.Delete(catalogStore, ix.key(id)); err != nil {
			return err
		}
		return tx.Delete(textsStore, ix.key(id))
	})
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	ix.mu.Lock()
	delete(ix.known, id)
	delete(ix.texts, id)
	if ix.touched != nil {
		ix.touched[id] = true
	}
	ix.mu.Unlock()
	return ix.mem.remove(ctx, id)
}

func (ix *idbIndex) close() error {
	<-ix.textsReady
	return ix.db.Close()
}

// discard removes the index; the next Open rebuilds it from the files.
func (ix *idbIndex) discard() error {
	return ix.fs.updateOn(ix.fs.db, []string{catalogStore, textsStore}, func(tx *browserdb.Tx) error {
		if err := tx.Delete(catalogStore, ix.markerKey()); err != nil {
			return err
		}
		if err := tx.DeletePrefix(catalogStore, ix.prefix); err != nil {
			return err
		}
		return tx.DeletePrefix(textsStore, ix.prefix)
	})
}

func (ix *idbIndex) streamingIDs(context.Context) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var ids []string
	for id, k := range ix.known {
		if k.streaming {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// fileStats returns what the index knows about each file.
func (ix *idbIndex) fileStats(context.Context) (map[string]indexedFile, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make(map[string]indexedFile, len(ix.known))
	for id, k := range ix.known {
		out[id] = k
	}
	return out, nil
}

// indexFiles reads the files of ids (a few at a time, so that the browser
// database's answers overlap) and indexes them in batched transactions; it
// returns how many were indexed.
func (s *Store) indexFiles(ctx context.Context, ix *idbIndex, ids []string, known map[string]indexedFile) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan string)
	out := make(chan loaded, 64)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
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
	const batch = 64
	n := 0
	var pending []loaded
	var err error
	for l := range out {
		if err != nil {
			continue // drain
		}
		pending = append(pending, l)
		if len(pending) == batch {
			if err = ix.putMany(ctx, pending); err != nil {
				cancel()
				continue
			}
			n += len(pending)
			pending = pending[:0]
		}
	}
	if err == nil && len(pending) > 0 {
		if err = ix.putMany(ctx, pending); err == nil {
			n += len(pending)
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return n, fmt.Errorf("index conversations: %w", err)
	}
	return n, nil
}

func isCorrupt(error) bool { return false }
