//go:build js

package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"murmur/backend/browserdb"
	"murmur/backend/conversation"
)

// The browser has no SQLite. On a browser database (WithBrowserDB) the index
// is three object stores beside the files, written in one transaction after
// each file, under the path of the file: the conversation's list row
// (catalogStore); its texts, the title and then every message, one record
// each (textsStore: the snippets of a page of hits are cut from them); and
// those texts folded for the search, one record per conversation
// (searchStore: lowercase words without diacritics, see foldedTexts).
//
// The index is reconciled with the files by size and modification time at
// Open, as the SQLite index is: unchanged files are not read. The rows are
// read before Open returns and the list is served from memory; the folded
// texts are read in the background, a page at a time, and kept in memory,
// so that a search scans memory and reads only the texts of its page's hits.
// Hits come in list order (pinned, then most recent), as the files-only
// catalog gives them. When the index cannot be written (a full quota), it
// goes on from memory, says so in Health, and the next Open brings the
// database up to date, rather than fall back to reading every file.
//
// A js build on plain files (Node) has no index: the files-only catalog.

var errNoIndex = errors.New("the web build keeps its index in the browser database; on files the list and search use the conversation files")

// index is the persisted catalog of this build: the browser database.
type index = idbIndex

// catalogVersion is bumped whenever what the rows or texts hold changes; an
// index of another version is rebuilt from the files. (1: one record of
// texts per conversation, no folded texts.)
const catalogVersion = 2

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
	// unsynced holds the conversations whose records could not be written:
	// memory is right, the database behind (the next Open re-reads their
	// files, as their stat differs from their rows'); persistErr says why.
	unsynced   map[string]bool
	persistErr error
	// touched records the conversations written while the folded texts
	// were loading: what is stored of them is older than what is in memory.
	touched    map[string]bool
	textsErr   error
	textsReady chan struct{}
}

func (ix *idbIndex) key(id string) string { return ix.prefix + id + fileExt }

// textKey is the key of text k of conversation id in textsStore.
func (ix *idbIndex) textKey(id string, k int) string { return ix.key(id) + "#" + strconv.Itoa(k) }

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
		unsynced:   map[string]bool{},
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
		err := ix.fs.updateOn(ix.db, []string{catalogStore, textsStore, searchStore}, func(tx *browserdb.Tx) error {
			if err := clearIndex(tx, ix.prefix); err != nil {
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

// loadTexts reads the folded texts into memory, a page at a time, letting
// the page's other work run in between. Those that are missing or damaged
// are made from the conversation's file.
func (ix *idbIndex) loadTexts(ctx context.Context, s *Store) {
	const page = 64
	loaded := make(map[string]*foldedTexts)
	var err error
	for after := ""; ; {
		var es []browserdb.Entry
		err = ix.db.View(ctx, []string{searchStore}, func(tx *browserdb.Tx) (err error) {
			es, err = tx.ListPage(searchStore, ix.prefix, after, page)
			return err
		})
		if err != nil || len(es) == 0 {
			break
		}
		for _, e := range es {
			id := strings.TrimSuffix(e.Key[len(ix.prefix):], fileExt)
			ft, derr := decodeFolded(e.Value)
			if derr != nil {
				s.log.Warn("store: the search texts of a conversation are damaged; reading its file", "conversation", id, "err", derr)
				continue
			}
			loaded[id] = ft
		}
		after = es[len(es)-1].Key
		// Let the event loop run: the page stays responsive, and other
		// calls into the store get their answers from the database.
		time.Sleep(time.Millisecond)
	}
	// Conversations listed without texts (damaged, or missing): from the file.
	ix.mu.RLock()
	var missing []string
	for id := range ix.known {
		if loaded[id] == nil && !ix.touched[id] {
			missing = append(missing, id)
		}
	}
	ix.mu.RUnlock()
	for _, id := range missing {
		if c, err := ix.read(id); err == nil {
			loaded[id] = foldTexts(textsOf(c))
		}
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

const textVersion = 1

// encodeText stores a text as a version byte, the length of its id, its
// id and its body.
func encodeText(t text) []byte {
	b := make([]byte, 0, 1+binary.MaxVarintLen32+len(t.id)+len(t.body))
	b = append(b, textVersion)
	b = binary.AppendUvarint(b, uint64(len(t.id)))
	b = append(b, t.id...)
	return append(b, t.body...)
}

func decodeText(b []byte) (text, error) {
	if len(b) == 0 || b[0] != textVersion {
		return text{}, errors.New("unknown format")
	}
	n, k := binary.Uvarint(b[1:])
	if k <= 0 || uint64(len(b)-1-k) < n {
		return text{}, errors.New("truncated")
	}
	b = b[1+k:]
	return text{id: string(b[:n]), body: string(b[n:])}, nil
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
	hashes := make([]uint64, len(terms))
	for i, t := range terms {
		hashes[i] = termHash(t)
	}
	type found struct {
		sum Summary
		k   int
		ft  *foldedTexts
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
			if k := ft.find(terms, hashes); k >= 0 {
				hits = append(hits, found{sum, k, ft})
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
			keys = append(keys, ix.textKey(h.sum.ID, h.k))
		}
	}
	stored := make([][]byte, len(keys))
	if len(keys) > 0 {
		err := ix.db.View(ctx, []string{textsStore}, func(tx *browserdb.Tx) (err error) {
			stored, err = tx.GetMany(textsStore, keys)
			return err
		})
		if err != nil && ctx.Err() != nil {
			return Page[Hit]{}, ctx.Err()
		}
		if err != nil {
			// The hits are right; their snippets come from the files.
			stored = make([][]byte, len(keys))
		}
	}
	mt := matcher{terms: terms}
	for _, h := range window {
		hit := Hit{Summary: h.sum}
		body := h.sum.Title
		if h.k > 0 {
			t, err := decodeText(stored[0])
			stored = stored[1:]
			if err == nil && textSum(t) != h.ft.sums[h.k] {
				err = errors.New("not the text searched")
			}
			if err != nil {
				// Missing or damaged: the file says what it holds.
				c, rerr := ix.read(h.sum.ID)
				if rerr != nil {
					continue
				}
				ts := textsOf(c)
				if h.k >= len(ts) {
					continue
				}
				t = ts[h.k]
			}
			hit.MessageID, body = t.id, t.body
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
	folded := make([]*foldedTexts, len(ls))
	old := make([]*foldedTexts, len(ls))
	for i, l := range ls {
		b, err := json.Marshal(rowOf(l.c, l.st))
		if err != nil {
			return fmt.Errorf("index %s: %w", l.c.ID, err)
		}
		texts[i] = textsOf(l.c)
		rows[i], folded[i] = b, foldTexts(texts[i])
	}
	ix.mu.RLock()
	for i, l := range ls {
		if !ix.unsynced[l.c.ID] {
			old[i] = ix.texts[l.c.ID]
		}
	}
	ix.mu.RUnlock()
	err := ix.fs.updateOn(ix.db, []string{catalogStore, textsStore, searchStore}, func(tx *browserdb.Tx) error {
		for i, l := range ls {
			key := ix.key(l.c.ID)
			if err := tx.Put(catalogStore, key, rows[i]); err != nil {
				return err
			}
			if err := tx.Put(searchStore, key, folded[i].encode()); err != nil {
				return err
			}
			// Only the texts that changed (usually the last message).
			if old[i] == nil {
				if err := tx.DeletePrefix(textsStore, key+"#"); err != nil {
					return err
				}
			}
			for k, t := range texts[i] {
				if old[i] != nil && k < len(old[i].sums) && old[i].sums[k] == folded[i].sums[k] {
					continue
				}
				if err := tx.Put(textsStore, ix.textKey(l.c.ID, k), encodeText(t)); err != nil {
					return err
				}
			}
			if old[i] != nil {
				for k := len(texts[i]); k < len(old[i].sums); k++ {
					if err := tx.Delete(textsStore, ix.textKey(l.c.ID, k)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	ix.mu.Lock()
	for i, l := range ls {
		ix.known[l.c.ID] = indexedFile{st: l.st, streaming: streamingCount(l.c) > 0}
		ix.texts[l.c.ID] = folded[i]
		if ix.touched != nil {
			ix.touched[l.c.ID] = true
		}
		ix.synced(l.c.ID, err)
	}
	ix.mu.Unlock()
	for _, l := range ls {
		ix.mem.put(ctx, l.c, l.st)
	}
	return nil
}

// synced records whether the records of id were written (err nil). A
// failure does not stop the index: it serves from memory, says so in
// Health, and the next Open brings the database up to date. (Falling back
// to the files would read every file now, a long freeze in a browser.)
// Called with mu held.
func (ix *idbIndex) synced(id string, err error) {
	if err == nil {
		delete(ix.unsynced, id)
		if len(ix.unsynced) == 0 {
			ix.persistErr = nil
		}
		return
	}
	ix.unsynced[id] = true
	ix.persistErr = fmt.Errorf("the search index could not be saved in the browser (it is brought up to date at the next start): %w", err)
}

// health says why the index in the database is behind memory, if it is.
func (ix *idbIndex) health() error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.persistErr
}

func (ix *idbIndex) remove(ctx context.Context, id string) error {
	err := ix.fs.updateOn(ix.db, []string{catalogStore, textsStore, searchStore}, func(tx *browserdb.Tx) error {
		if err := tx.Delete(catalogStore, ix.key(id)); err != nil {
			return err
		}
		if err := tx.Delete(searchStore, ix.key(id)); err != nil {
			return err
		}
		return tx.DeletePrefix(textsStore, ix.key(id)+"#")
	})
	ix.mu.Lock()
	delete(ix.known, id)
	delete(ix.texts, id)
	if ix.touched != nil {
		ix.touched[id] = true
	}
	ix.synced(id, err)
	ix.mu.Unlock()
	return ix.mem.remove(ctx, id)
}

func (ix *idbIndex) close() error {
	<-ix.textsReady
	return ix.db.Close()
}

// discard removes the index; the next Open rebuilds it from the files.
func (ix *idbIndex) discard() error {
	return ix.fs.updateOn(ix.fs.db, []string{catalogStore, textsStore, searchStore}, func(tx *browserdb.Tx) error {
		if err := tx.Delete(catalogStore, ix.markerKey()); err != nil {
			return err
		}
		return clearIndex(tx, ix.prefix)
	})
}

// clearIndex deletes every record of the index under prefix.
func clearIndex(tx *browserdb.Tx, prefix string) error {
	for _, store := range []string{catalogStore, textsStore, searchStore} {
		if err := tx.DeletePrefix(store, prefix); err != nil {
			return err
		}
	}
	return nil
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
	out := s.loadFiles(ctx, ids, 4)
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
