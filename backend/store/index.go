//go:build !js

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver (pure Go, FTS5)

	"murmur/backend/conversation"
)

// indexVersion is bumped whenever the schema or what is indexed changes;
// an index of another version is rebuilt from the files.
const indexVersion = 3

var schema = []string{
	`CREATE TABLE convs(
		rowid INTEGER PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		pinned INTEGER NOT NULL,
		archived INTEGER NOT NULL,
		provider_id TEXT NOT NULL,
		model TEXT NOT NULL,
		message_count INTEGER NOT NULL,
		preview TEXT NOT NULL,
		streaming INTEGER NOT NULL,
		file_size INTEGER NOT NULL,
		file_mtime INTEGER NOT NULL,
		source_service TEXT NOT NULL,
		source_id TEXT NOT NULL,
		source_updated INTEGER NOT NULL,
		attachments TEXT NOT NULL)`,
	`CREATE INDEX convs_list ON convs(archived, pinned DESC, updated_at DESC, id DESC)`,
	`CREATE INDEX convs_all ON convs(pinned DESC, updated_at DESC, id DESC)`,
	// Re-import dedupe: the conversation imported from a service's id.
	`CREATE INDEX convs_source ON convs(source_service, source_id) WHERE source_id != ''`,
	// One row per indexed text: msg_id is '' for the title; hash is that of
	// the text, so a save re-indexes only the texts that changed.
	`CREATE TABLE msgs(rowid INTEGER PRIMARY KEY, conv INTEGER NOT NULL, msg_id TEXT NOT NULL, hash INTEGER NOT NULL)`,
	`CREATE INDEX msgs_conv ON msgs(conv, msg_id)`,
	`CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='unicode61 remove_diacritics 2', prefix='2 3')`,
	fmt.Sprintf(`PRAGMA user_version = %d`, indexVersion),
}

// index is the persisted catalog of this build: SQLite.
type index = sqlIndex

// sqlIndex is the catalog backed by index.db.
type sqlIndex struct {
	db   *sql.DB
	path string
	// See "Search strategy"; fields so that tests can make them small.
	rankLimit, recentLimit int
}

// dsn builds a SQLite URI for path with the connection settings. The index
// is a cache: WAL with synchronous=NORMAL can lose the last transactions
// on a power cut, never consistency, and Open reconciles with the files.
func dsn(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file://" + p + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)" +
		"&_pragma=synchronous(normal)&_txlock=immediate"
}

// openSQLIndex opens or creates index.db. fresh reports that it is empty.
func openSQLIndex(ctx context.Context, path string) (*sqlIndex, bool, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, false, err
	}
	db.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	db.SetConnMaxIdleTime(time.Minute)
	ix := &sqlIndex{db: db, path: path, rankLimit: defaultRankLimit, recentLimit: defaultRecentLimit}
	fresh, err := ix.prepare(ctx)
	if err != nil {
		db.Close()
		return nil, false, err
	}
	return ix, fresh, nil
}

// prepare checks the schema version and creates the schema when the index
// is new or of another version.
func (ix *sqlIndex) prepare(ctx context.Context) (bool, error) {
	var v int
	if err := ix.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return false, fmt.Errorf("read index version: %w", err)
	}
	if v == indexVersion {
		// Touch the tables so that a damaged file shows now, not later.
		var n int
		if err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM convs`).Scan(&n); err != nil {
			return false, fmt.Errorf("check index: %w", err)
		}
		return false, nil
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	for _, t := range []string{"fts", "msgs", "convs"} {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return false, fmt.Errorf("clear old index: %w", err)
		}
	}
	for _, q := range schema {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return false, fmt.Errorf("create index: %w", err)
		}
	}
	return true, tx.Commit()
}

func (ix *sqlIndex) close() error { return ix.db.Close() }

// discard removes the damaged index; the next Open rebuilds it.
func (ix *sqlIndex) discard() error { return removeIndexFiles(ix.path) }

// isCorrupt reports whether err says the index file is damaged.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
		return true
	}
	return false
}

// removeIndexFiles deletes index.db and its WAL companions.
func removeIndexFiles(path string) error {
	var errs []error
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// openIndex opens index.db, recreating it if it is damaged; fresh reports
// that it is empty and must be filled from the files.
func (s *Store) openIndex(ctx context.Context) (*sqlIndex, bool, error) {
	path := filepath.Join(s.dir, indexFileName)
	if err := ensurePrivate(path); err != nil {
		return nil, false, err
	}
	ix, fresh, err := openSQLIndex(ctx, path)
	if err != nil && ctx.Err() == nil {
		s.log.Warn("store: index unreadable; rebuilding it", "err", err)
		if rerr := removeIndexFiles(path); rerr != nil {
			return nil, false, fmt.Errorf("%v; and removing it failed: %w", err, rerr)
		}
		if err := ensurePrivate(path); err != nil {
			return nil, false, err
		}
		ix, fresh, err = openSQLIndex(ctx, path)
	}
	return ix, fresh, err
}

// ensurePrivate creates path empty with mode 0600 if it is missing, or
// restricts it to 0600. SQLite gives its -wal and -shm files the same mode.
func ensurePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict %s: %w", path, err)
	}
	return nil
}

// fileStats reads what the index knows about each file. One concatenated
// row is much cheaper than 10,000 rows through database/sql.
func (ix *sqlIndex) fileStats(ctx context.Context) (map[string]indexedFile, error) {
	var all sql.NullString
	err := ix.db.QueryRowContext(ctx, `SELECT group_concat(id || ' ' || file_size || ' ' || file_mtime || ' ' ||
		streaming, char(10)) FROM convs`).Scan(&all)
	if err != nil {
		return nil, err
	}
	known := make(map[string]indexedFile)
	for line := range strings.SplitSeq(all.String, "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("malformed index row %q", truncate(line, 80))
		}
		var k indexedFile
		var err1, err2, err3 error
		k.st.size, err1 = strconv.ParseInt(f[1], 10, 64)
		k.st.mtime, err2 = strconv.ParseInt(f[2], 10, 64)
		streaming, err3 := strconv.Atoi(f[3])
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("malformed index row %q: %w", truncate(line, 80), err)
		}
		k.streaming = streaming > 0
		known[f[0]] = k
	}
	return known, nil
}

// indexFiles reads the files of ids in parallel and indexes them in
// batched transactions; it returns how many were indexed.
func (s *Store) indexFiles(ctx context.Context, ix *sqlIndex, ids []string, known map[string]indexedFile) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := s.loadFiles(ctx, ids, max(1, runtime.GOMAXPROCS(0)))

	const batch = 256
	n := 0
	var tx *sql.Tx
	var ins *inserter
	var err error
	for l := range out {
		if err != nil {
			continue // drain
		}
		if tx == nil {
			if tx, err = ix.db.BeginTx(ctx, nil); err != nil {
				cancel()
				continue
			}
			ins = newInserter(tx)
		}
		_, existed := known[l.c.ID]
		if err = ins.put(ctx, l.c, l.st, !existed); err != nil {
			cancel()
			continue
		}
		n++
		if n%batch == 0 {
			ins.close()
			if err = tx.Commit(); err != nil {
				cancel()
			}
			tx = nil
		}
	}
	if tx != nil {
		ins.close()
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
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

// inserter writes conversations into the index inside one transaction.
type inserter struct {
	tx                                                                                 *sql.Tx
	insConv, updConv, convRow, delFTS, delMsgs, insMsg, insFTS, rowsOf, delRow, delMsg *sql.Stmt
	err                                                                                error
}

func newInserter(tx *sql.Tx) *inserter {
	in := &inserter{tx: tx}
	prep := func(q string) *sql.Stmt {
		if in.err != nil {
			return nil
		}
		st, err := tx.Prepare(q)
		in.err = err
		return st
	}
	// Plain single-row statements: an upsert or RETURNING would open a
	// statement savepoint, which makes FTS5 flush its pending terms for every
	// conversation (tiny segments, then endless merging).
	in.insConv = prep(`INSERT INTO convs(title, created_at, updated_at, pinned, archived, provider_id, model,
		message_count, preview, streaming, file_size, file_mtime, source_service, source_id, source_updated,
		attachments, id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	in.updConv = prep(`UPDATE convs SET title=?, created_at=?, updated_at=?, pinned=?, archived=?, provider_id=?,
		model=?, message_count=?, preview=?, streaming=?, file_size=?, file_mtime=?, source_service=?, source_id=?,
		source_updated=?, attachments=? WHERE id=?`)
	in.convRow = prep(`SELECT rowid FROM convs WHERE id = ?`)
	in.delFTS = prep(`DELETE FROM fts WHERE rowid IN (SELECT rowid FROM msgs WHERE conv = ?)`)
	in.delMsgs = prep(`DELETE FROM msgs WHERE conv = ?`)
	in.insMsg = prep(`INSERT INTO msgs(conv, msg_id, hash) VALUES(?, ?, ?)`)
	in.insFTS = prep(`INSERT INTO fts(rowid, body) VALUES(?, ?)`)
	in.rowsOf = prep(`SELECT rowid, msg_id, hash FROM msgs WHERE conv = ?`)
	in.delRow = prep(`DELETE FROM fts WHERE rowid = ?`)
	in.delMsg = prep(`DELETE FROM msgs WHERE rowid = ?`)
	return in
}

func (in *inserter) close() {
	for _, st := range []*sql.Stmt{in.insConv, in.updConv, in.convRow, in.delFTS, in.delMsgs, in.insMsg, in.insFTS, in.rowsOf, in.delRow, in.delMsg} {
		if st != nil {
			st.Close()
		}
	}
}

// upsertConv writes the list row of c and returns its rowid; fresh means
// c is known not to be in the index.
func (in *inserter) upsertConv(ctx context.Context, c *conversation.Conversation, st fileStat, fresh bool) (int64, error) {
	sum := summarize(c)
	var srcService, srcID string
	var srcUpdated int64
	if src := c.Source; src != nil {
		srcService, srcID = src.Service, src.ID
		if !src.UpdatedAt.IsZero() {
			srcUpdated = src.UpdatedAt.UnixNano()
		}
	}
	args := []any{sum.Title, sum.CreatedAt.UnixNano(), sum.UpdatedAt.UnixNano(), sum.Pinned, sum.Archived,
		sum.ProviderID, sum.Model, sum.MessageCount, sum.Preview, streamingCount(c), st.size, st.mtime,
		srcService, srcID, srcUpdated, strings.Join(attachmentIDs(c), " "), sum.ID}
	if !fresh {
		res, err := in.updConv.ExecContext(ctx, args...)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, err
		} else if n > 0 {
			var rowid int64
			err := in.convRow.QueryRowContext(ctx, sum.ID).Scan(&rowid)
			return rowid, err
		}
	}
	res, err := in.insConv.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// put indexes c. Texts already indexed with the same content are left
// alone; fresh (a conversation not in the index) skips that lookup.
func (in *inserter) put(ctx context.Context, c *conversation.Conversation, st fileStat, fresh bool) error {
	if in.err != nil {
		return in.err
	}
	rowid, err := in.upsertConv(ctx, c, st, fresh)
	if err != nil {
		return err
	}
	type indexed struct{ row, hash int64 }
	old := map[string]indexed{}
	if !fresh {
		rows, err := in.rowsOf.QueryContext(ctx, rowid)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var x indexed
			if err := rows.Scan(&x.row, &id, &x.hash); err != nil {
				rows.Close()
				return err
			}
			old[id] = x
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	put := func(msgID, text string) error {
		h := textHash(text)
		if x, ok := old[msgID]; ok {
			delete(old, msgID)
			if x.hash == h {
				return nil
			}
			if err := in.dropRow(ctx, x.row); err != nil {
				return err
			}
		}
		return in.addText(ctx, rowid, msgID, text, h)
	}
	if err := put("", c.Title); err != nil {
		return err
	}
	for i := range c.Messages {
		if err := put(c.Messages[i].ID, c.Messages[i].Content.PlainText()); err != nil {
			return err
		}
	}
	for _, x := range old { // messages that are gone
		if err := in.dropRow(ctx, x.row); err != nil {
			return err
		}
	}
	return nil
}

func (in *inserter) dropRow(ctx context.Context, row int64) error {
	if _, err := in.delRow.ExecContext(ctx, row); err != nil {
		return err
	}
	_, err := in.delMsg.ExecContext(ctx, row)
	return err
}

// textHash is FNV-1a of the text; empty (blank) text is not indexed.
func textHash(s string) int64 {
	if strings.TrimSpace(s) == "" {
		return 0
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return int64(h | 1) // never 0
}

func (in *inserter) addText(ctx context.Context, conv int64, msgID, text string, hash int64) error {
	if hash == 0 {
		return nil
	}
	res, err := in.insMsg.ExecContext(ctx, conv, msgID, hash)
	if err != nil {
		return err
	}
	row, err := res.LastInsertId()
	if err != nil {
		return err
	}
	_, err = in.insFTS.ExecContext(ctx, row, text)
	return err
}

func (ix *sqlIndex) put(ctx context.Context, c *conversation.Conversation, st fileStat) error {
	return ix.inTx(ctx, func(in *inserter) error { return in.put(ctx, c, st, false) })
}

func (ix *sqlIndex) inTx(ctx context.Context, fn func(*inserter) error) error {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	defer tx.Rollback()
	in := newInserter(tx)
	defer in.close()
	if err := fn(in); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// putMessage re-indexes c; only the changed message's text is rewritten.
func (ix *sqlIndex) putMessage(ctx context.Context, c *conversation.Conversation, msgID string, st fileStat) error {
	return ix.put(ctx, c, st)
}

func (ix *sqlIndex) remove(ctx context.Context, id string) error {
	return ix.inTx(ctx, func(in *inserter) error {
		var rowid int64
		err := in.tx.QueryRowContext(ctx, `SELECT rowid FROM convs WHERE id = ?`, id).Scan(&rowid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := in.delFTS.ExecContext(ctx, rowid); err != nil {
			return err
		}
		if _, err := in.delMsgs.ExecContext(ctx, rowid); err != nil {
			return err
		}
		_, err = in.tx.ExecContext(ctx, `DELETE FROM convs WHERE rowid = ?`, rowid)
		return err
	})
}

// findSource looks the conversation imported from (service, id) up; for
// the Murmur service a conversation's own id matches too.
func (ix *sqlIndex) findSource(ctx context.Context, service, id string) (Imported, bool, error) {
	var got Imported
	var updated int64
	err := ix.db.QueryRowContext(ctx, `SELECT id, source_updated FROM convs WHERE source_service = ? AND source_id = ?
		ORDER BY updated_at DESC, id DESC LIMIT 1`, service, id).Scan(&got.ID, &updated)
	if err == nil {
		if updated != 0 {
			got.SourceUpdated = time.Unix(0, updated).UTC()
		}
		return got, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Imported{}, false, err
	}
	if service != conversation.SourceMurmur || !conversation.ValidID(id) {
		return Imported{}, false, nil
	}
	err = ix.db.QueryRowContext(ctx, `SELECT id, updated_at FROM convs WHERE id = ?`, id).Scan(&got.ID, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Imported{}, false, nil
	}
	if err != nil {
		return Imported{}, false, err
	}
	got.SourceUpdated = time.Unix(0, updated).UTC()
	return got, true, nil
}

const summaryCols = `c.id, c.title, c.created_at, c.updated_at, c.pinned, c.archived, c.provider_id, c.model,
	c.message_count, c.preview`

type scanner interface{ Scan(dest ...any) error }

func scanSummary(r scanner, extra ...any) (Summary, error) {
	var s Summary
	var created, updated int64
	dest := append([]any{&s.ID, &s.Title, &created, &updated, &s.Pinned, &s.Archived, &s.ProviderID,
		&s.Model, &s.MessageCount, &s.Preview}, extra...)
	if err := r.Scan(dest...); err != nil {
		return s, err
	}
	s.CreatedAt = time.Unix(0, created).UTC()
	s.UpdatedAt = time.Unix(0, updated).UTC()
	return s, nil
}

func archivedWhere(a Archived) string {
	switch a {
	case ArchivedOnly:
		return `c.archived = 1`
	case ArchivedInclude:
		return `1`
	}
	return `c.archived = 0`
}

func (ix *sqlIndex) list(ctx context.Context, q ListQuery) (Page[Summary], error) {
	where := archivedWhere(q.Archived)
	p := Page[Summary]{Items: []Summary{}}
	// One read transaction: the count and the page see the same snapshot.
	tx, err := ix.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return p, fmt.Errorf("index: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM convs c WHERE `+where).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("index: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+summaryCols+` FROM convs c WHERE `+where+`
		ORDER BY c.pinned DESC, c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?`, q.Limit, q.Offset)
	if err != nil {
		return p, fmt.Errorf("index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSummary(rows)
		if err != nil {
			return p, fmt.Errorf("index: %w", err)
		}
		p.Items = append(p.Items, s)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("index: %w", err)
	}
	p.More = q.Offset+len(p.Items) < p.Total
	return p, nil
}

// Search strategy. Ranking by bm25 costs time in proportion to how many
// texts contain each word (SQLite scans a word's whole list to weigh it),
// so it is used when every word is in at most 2,000 texts. Otherwise the
// matching texts are walked newest first (row order follows saving order)
// and the walk stops as soon as the page is full: the conversations come in
// order of their newest matching text, Total is then a lower bound and
// Page.Capped is set. The walk also stops after 200,000 texts.
const (
	defaultRankLimit   = 2000
	defaultRecentLimit = 200_000
)

// search returns a page of conversations whose texts match, with a snippet
// of the best (or most recent) matching text of each.
func (ix *sqlIndex) search(ctx context.Context, q SearchQuery) (Page[Hit], error) {
	p := Page[Hit]{Items: []Hit{}}
	terms := searchTerms(q.Text)
	if len(terms) == 0 {
		return p, nil
	}
	match := ftsQuery(q.Text)
	// One read transaction: counts, page and snippets see one snapshot.
	tx, err := ix.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return p, fmt.Errorf("index search: %w", err)
	}
	defer tx.Rollback()
	ranked := true
	for _, t := range terms {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)`,
			ftsQuery(t), ix.rankLimit+1).Scan(&n)
		if err != nil {
			return p, fmt.Errorf("index search: %w", err)
		}
		if n > ix.rankLimit {
			ranked = false
			break
		}
	}
	var rowids []int64
	if ranked {
		rowids, err = ix.rankedHits(ctx, tx, match, q, &p)
	} else {
		rowids, err = ix.recentHits(ctx, tx, match, q, &p)
	}
	if err != nil {
		return p, fmt.Errorf("index search: %w", err)
	}
	// Snippets are cut in Go from the stored text: one lookup by rowid each,
	// instead of running the match again per hit.
	mt := matcher{terms: terms}
	for i, row := range rowids {
		var body string
		err := tx.QueryRowContext(ctx, `SELECT body FROM fts WHERE rowid = ?`, row).Scan(&body)
		if err != nil {
			return p, fmt.Errorf("index snippet: %w", err)
		}
		p.Items[i].Snippet = mt.snippet(body)
	}
	p.More = q.Offset+len(p.Items) < p.Total
	return p, nil
}

// rankedHits fills p with the page of conversations ordered by the bm25
// score of their best text and returns the rowid of that text per item.
func (ix *sqlIndex) rankedHits(ctx context.Context, tx *sql.Tx, match string, q SearchQuery, p *Page[Hit]) ([]int64, error) {
	const from = `
		FROM (
			SELECT msgs.conv AS conv, fts.rowid AS row, min(fts.rank) AS score
			FROM fts JOIN msgs ON msgs.rowid = fts.rowid
			WHERE fts MATCH ?
			GROUP BY msgs.conv
		) h
		JOIN convs c ON c.rowid = h.conv
		JOIN msgs m ON m.rowid = h.row
		WHERE `
	rows, err := tx.QueryContext(ctx, `SELECT `+summaryCols+`, m.msg_id, h.row, count(*) OVER () `+
		from+archivedWhere(q.Archived)+` ORDER BY h.score, c.updated_at DESC LIMIT ? OFFSET ?`,
		match, q.Limit, q.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rowids []int64
	for rows.Next() {
		var h Hit
		var row int64
		sum, err := scanSummary(rows, &h.MessageID, &row, &p.Total)
		if err != nil {
			return nil, err
		}
		h.Summary = sum
		p.Items = append(p.Items, h)
		rowids = append(rowids, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(p.Items) == 0 && q.Offset > 0 {
		// Past the end: the window count is not available; count directly.
		err := tx.QueryRowContext(ctx, `SELECT count(*) `+from+archivedWhere(q.Archived), match).Scan(&p.Total)
		if err != nil {
			return nil, err
		}
	}
	return rowids, nil
}

// recentHits walks the matching texts newest first and stops once the page
// (and one more conversation) is found.
func (ix *sqlIndex) recentHits(ctx context.Context, tx *sql.Tx, match string, q SearchQuery, p *Page[Hit]) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT msgs.conv, fts.rowid FROM fts
		JOIN msgs ON msgs.rowid = fts.rowid JOIN convs c ON c.rowid = msgs.conv
		WHERE fts MATCH ? AND `+archivedWhere(q.Archived)+` ORDER BY fts.rowid DESC`, match)
	if err != nil {
		return nil, err
	}
	type found struct{ conv, row int64 }
	var order []found
	seen := map[int64]bool{}
	walked, stopped := 0, false
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.conv, &f.row); err != nil {
			rows.Close()
			return nil, err
		}
		walked++
		if !seen[f.conv] {
			seen[f.conv] = true
			order = append(order, f)
		}
		if len(order) > q.Offset+q.Limit || walked >= ix.recentLimit {
			stopped = true
			break
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	p.Total = len(order)
	p.Capped = stopped
	if q.Offset >= len(order) {
		return nil, nil
	}
	order = order[q.Offset:min(len(order), q.Offset+q.Limit)]
	rowids := make([]int64, 0, len(order))
	for _, f := range order {
		var h Hit
		sum, err := scanSummary(tx.QueryRowContext(ctx, `SELECT `+summaryCols+`, m.msg_id FROM convs c, msgs m
			WHERE c.rowid = ? AND m.rowid = ?`, f.conv, f.row), &h.MessageID)
		if err != nil {
			return nil, err
		}
		h.Summary = sum
		p.Items = append(p.Items, h)
		rowids = append(rowids, f.row)
	}
	return rowids, nil
}

// streamingIDs lists the conversations whose last indexed version has a
// message still streaming.
func (ix *sqlIndex) streamingIDs(ctx context.Context) ([]string, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT id FROM convs WHERE streaming > 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// attachmentsInUse returns the ids of the attachments some conversation
// refers to.
func (ix *sqlIndex) attachmentsInUse(ctx context.Context) (map[string]bool, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT attachments FROM convs WHERE attachments != ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	used := make(map[string]bool)
	for rows.Next() {
		var ids string
		if err := rows.Scan(&ids); err != nil {
			return nil, err
		}
		for _, id := range strings.Fields(ids) {
			used[id] = true
		}
	}
	return used, rows.Err()
}
