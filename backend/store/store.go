package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// Names inside the data folder.
const (
	convDirName       = "conversations"
	quarantineDirName = "quarantine"
	indexFileName     = "index.db"
	lockFileName      = "murmur.lock"
	staleMarkName     = "index.stale" // present: the index missed changes; reconcile before serving
	fileExt           = ".json"
)

// Option configures Open.
type Option func(*options)

type options struct {
	fs       fsys
	durable  bool
	logger   *slog.Logger
	useIndex bool
	noLock   bool
	onChange func(id string)
	// stealLock and onLockLost: the browser's lock (see WithBrowserDB).
	stealLock  bool
	onLockLost func()
}

// WithLogger sends the store's warnings (quarantined files, index trouble)
// to l. The default discards them; they are also in OpenReport and Health.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithOnChange calls fn with the id of every conversation whose list entry
// may have changed: after each save, change and delete that succeeded, but
// not after a checkpoint of a reply still being written (UpdateMessage
// calls it only when the message's status changed). fn runs after the
// store's locks are released and must not block for long.
func WithOnChange(fn func(id string)) Option { return func(o *options) { o.onChange = fn } }

// WithoutFsync skips the fsync calls of the atomic replace. Writes stay
// atomic against a crash of the process but not against a power cut.
// Meant for benchmarks and tests.
func WithoutFsync() Option { return func(o *options) { o.durable = false } }

// withFS makes the store read and write conversation files through fs.
func withFS(fs fsys) Option { return func(o *options) { o.fs = fs } }

// withoutIndex makes the store work from the files alone (as it does when
// the index is broken). Used by tests and as the benchmarks' baseline.
func withoutIndex() Option { return func(o *options) { o.useIndex = false } }

// Store is an open data folder. Create it with Open, end it with Close.
type Store struct {
	dir, convDir, quarDir string
	fs                    fsys
	durable               bool
	log                   *slog.Logger
	lock                  releaser
	onChange              func(id string)

	// reconciled is closed when Open's reconciliation with the files is
	// done; bgCancel stops a background one.
	reconciled chan struct{}
	bgCancel   context.CancelFunc

	// wmu serialises every change of a file together with its index update.
	wmu sync.Mutex

	mu       sync.RWMutex // guards the fields below
	cat      catalog
	closed   bool
	indexErr error
	report   OpenReport
}

// catalog answers list and search queries; the SQLite index or, when that
// is unavailable, an in-memory list built from the files.
type catalog interface {
	list(ctx context.Context, q ListQuery) (Page[Summary], error)
	search(ctx context.Context, q SearchQuery) (Page[Hit], error)
	// put records a conversation just written with file stat st.
	put(ctx context.Context, c *conversation.Conversation, st fileStat) error
	// putMessage records a change of one message of c (already in c).
	putMessage(ctx context.Context, c *conversation.Conversation, msgID string, st fileStat) error
	remove(ctx context.Context, id string) error
	// findSource returns the conversation imported from service's
	// conversation id (see Store.FindSource).
	findSource(ctx context.Context, service, id string) (Imported, bool, error)
	// attachmentsInUse returns the ids of the attachments some
	// conversation refers to.
	attachmentsInUse(ctx context.Context) (map[string]bool, error)
	close() error
}

// fileStat identifies one version of a file for reconciliation.
type fileStat struct {
	size  int64
	mtime int64 // UnixNano
}

func statOf(fi fs.FileInfo) fileStat {
	return fileStat{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
}

// Close releases the lock and closes the index. Calls after Close return ErrClosed.
func (s *Store) Close() error {
	if s.bgCancel != nil {
		s.bgCancel()
	}
	<-s.reconciled
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.cat != nil {
		if err := s.cat.close(); err != nil {
			errs = append(errs, fmt.Errorf("close index: %w", err))
		}
	}
	if s.lock != nil {
		if err := s.lock.release(); err != nil {
			errs = append(errs, fmt.Errorf("release lock: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Dir returns the data folder.
func (s *Store) Dir() string { return s.dir }

// Reconciled is closed once the index agrees with the files. Open returns
// before that when the index exists: List and Search answer from the index
// at once (a file changed behind the app's back may show its indexed state
// for a moment), while Get and every write wait for it. Refresh the list
// when it closes if OpenReport says anything was reindexed or removed.
func (s *Store) Reconciled() <-chan struct{} { return s.reconciled }

func (s *Store) waitReconciled(ctx context.Context) error {
	select {
	case <-s.reconciled:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// OpenReport returns what Open found and repaired. It waits for the
// reconciliation (see Reconciled).
func (s *Store) OpenReport() OpenReport {
	<-s.reconciled
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.report
	r.Quarantined = append([]Quarantined(nil), r.Quarantined...)
	r.Recovered = append([]string(nil), r.Recovered...)
	return r
}

// Health returns nil while the index works, otherwise the index error; the
// store then serves lists and search from the files (in the browser: from
// memory, the index being brought up to date at the next Open).
func (s *Store) Health() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.indexErr != nil {
		return s.indexErr
	}
	if h, ok := s.cat.(interface{ health() error }); ok {
		return h.health()
	}
	return nil
}

func (s *Store) catalog() (catalog, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	return s.cat, nil
}

func (s *Store) path(id string) string { return filepath.Join(s.convDir, id+fileExt) }

func checkID(op, id string) error {
	if !conversation.ValidID(id) {
		return fmt.Errorf("%s: %q: %w", op, truncate(id, 60), ErrInvalidID)
	}
	return nil
}

// List returns one page of the conversation list: pinned first, then the
// most recently updated.
func (s *Store) List(ctx context.Context, q ListQuery) (Page[Summary], error) {
	q.Offset, q.Limit = clampPage(q.Offset, q.Limit)
	cat, err := s.catalog()
	if err != nil {
		return Page[Summary]{}, fmt.Errorf("list conversations: %w", err)
	}
	p, err := cat.list(ctx, q)
	if err != nil && ctx.Err() == nil {
		if cat, err = s.degrade(ctx, cat, err); err == nil {
			p, err = cat.list(ctx, q)
		}
	}
	if err != nil {
		return Page[Summary]{}, fmt.Errorf("list conversations: %w", err)
	}
	return p, nil
}

// Search returns one page of conversations whose messages or title match
// q.Text, best match first, each with a snippet of the best message.
// Empty or wordless text gives an empty page.
func (s *Store) Search(ctx context.Context, q SearchQuery) (Page[Hit], error) {
	q.Offset, q.Limit = clampPage(q.Offset, q.Limit)
	cat, err := s.catalog()
	if err != nil {
		return Page[Hit]{}, fmt.Errorf("search: %w", err)
	}
	if len(searchTerms(q.Text)) == 0 {
		return Page[Hit]{Items: []Hit{}}, nil
	}
	p, err := cat.search(ctx, q)
	if err != nil && ctx.Err() == nil {
		if cat, err = s.degrade(ctx, cat, err); err == nil {
			p, err = cat.search(ctx, q)
		}
	}
	if err != nil {
		return Page[Hit]{}, fmt.Errorf("search: %w", err)
	}
	return p, nil
}

func clampPage(offset, limit int) (int, int) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	return offset, limit
}

// Get reads one conversation. A file that no longer parses is moved to
// quarantine and ErrCorrupt is returned.
func (s *Store) Get(ctx context.Context, id string) (*conversation.Conversation, error) {
	if err := checkID("get conversation", id); err != nil {
		return nil, err
	}
	if err := s.waitReconciled(ctx); err != nil {
		return nil, fmt.Errorf("get conversation %s: %w", id, err)
	}
	if _, err := s.catalog(); err != nil {
		return nil, fmt.Errorf("get conversation %s: %w", id, err)
	}
	c, _, err := s.read(id)
	if errors.Is(err, ErrCorrupt) {
		// Read again under the write lock: a save may have replaced the file
		// since, and a good file must never go to quarantine.
		s.wmu.Lock()
		c, _, err = s.read(id)
		if errors.Is(err, ErrCorrupt) {
			s.quarantineChanged(ctx, id, err)
		}
		s.wmu.Unlock()
	}
	if err != nil {
		return nil, fmt.Errorf("get conversation %s: %w", id, err)
	}
	return c, nil
}

// FindSource returns the conversation imported from the conversation id of
// service (conversation.SourceChatGPT, …), so that importing the same
// export again can skip it; ok is false when there is none. A conversation
// made in this Murmur is the conversation.SourceMurmur source of itself: its
// own id matches too. When several match, the most recently updated is
// returned.
func (s *Store) FindSource(ctx context.Context, service, id string) (Imported, bool, error) {
	if service == "" || id == "" {
		return Imported{}, false, nil
	}
	if err := s.waitReconciled(ctx); err != nil {
		return Imported{}, false, fmt.Errorf("look up imported conversation: %w", err)
	}
	cat, err := s.catalog()
	if err != nil {
		return Imported{}, false, fmt.Errorf("look up imported conversation: %w", err)
	}
	got, ok, err := cat.findSource(ctx, service, id)
	if err != nil && ctx.Err() == nil {
		if cat, err = s.degrade(ctx, cat, err); err == nil {
			got, ok, err = cat.findSource(ctx, service, id)
		}
	}
	if err != nil {
		return Imported{}, false, fmt.Errorf("look up imported conversation: %w", err)
	}
	return got, ok, nil
}

// read loads and validates a conversation file.
func (s *Store) read(id string) (*conversation.Conversation, []byte, error) {
	b, err := s.fs.ReadFile(s.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read: %w", err)
	}
	c, err := decode(id, b)
	return c, b, err
}

// decode parses a file's bytes; every failure wraps ErrCorrupt with the reason.
func decode(id string, b []byte) (*conversation.Conversation, error) {
	var c conversation.Conversation
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: not valid JSON: %v", ErrCorrupt, err)
	}
	if err := c.Validate(); errors.Is(err, conversation.ErrNewerVersion) {
		return nil, fmt.Errorf("%w: %v", ErrNewerVersion, err)
	} else if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if c.ID != id {
		return nil, fmt.Errorf("%w: the file is named %s but holds conversation %s", ErrCorrupt, id, truncate(c.ID, 60))
	}
	return &c, nil
}

func encode(c *conversation.Conversation) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Save writes c (a complete document) atomically and indexes it. c must
// pass Validate; Save neither changes nor keeps c (the caller stamps
// UpdatedAt). Only texts that changed since the last save are re-indexed.
func (s *Store) Save(ctx context.Context, c *conversation.Conversation) error {
	if c == nil {
		return errors.New("save conversation: nil conversation")
	}
	return s.changed(c.ID, s.save(ctx, c))
}

// changed tells the change listener about id when err is nil, and returns err.
func (s *Store) changed(id string, err error) error {
	if err == nil && s.onChange != nil {
		s.onChange(id)
	}
	return err
}

func (s *Store) save(ctx context.Context, c *conversation.Conversation) error {
	if err := checkID("save conversation", c.ID); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("save conversation %s: %w", c.ID, err)
	}
	b, err := encode(c)
	if err != nil {
		return fmt.Errorf("save conversation %s: encode: %w", c.ID, err)
	}
	if err := s.waitReconciled(ctx); err != nil {
		return fmt.Errorf("save conversation %s: %w", c.ID, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cat, err := s.catalog()
	if err != nil {
		return fmt.Errorf("save conversation %s: %w", c.ID, err)
	}
	st, err := s.write(c.ID, b)
	if err != nil {
		return writeError("save conversation "+c.ID, err)
	}
	s.indexed(ctx, cat, cat.put(context.WithoutCancel(ctx), c, st))
	return nil
}

// write replaces the file of id and returns its new stat.
func (s *Store) write(id string, b []byte) (fileStat, error) {
	if r, ok := s.fs.(replacer); ok {
		fi, err := r.replace(s.path(id), b, 0o600)
		if err != nil {
			return fileStat{}, err
		}
		return statOf(fi), nil
	}
	err := writeAtomic(s.fs, s.convDir, id+fileExt, b, s.durable)
	var dse *dirSyncError
	if errors.As(err, &dse) {
		s.log.Warn("store: folder fsync failed; the file is saved", "conversation", id, "err", err)
		err = nil
	}
	if err != nil {
		return fileStat{}, err
	}
	fi, err := s.fs.Stat(s.path(id))
	if err != nil {
		// Saved, but unknown stat: the index row will not match and the
		// file is re-read at the next open.
		return fileStat{}, nil
	}
	return statOf(fi), nil
}

// writeError wraps a failed write with its class and the promise that the
// previous version is intact.
func writeError(op string, err error) error {
	class := classify(err)
	if class == nil {
		return fmt.Errorf("%s: %w (the previous version is intact)", op, err)
	}
	// The class says what went wrong first; the detail need not repeat it.
	cls := class.Error()
	detail := strings.Replace(err.Error(), cls+": ", "", 1)
	detail = strings.TrimSuffix(strings.TrimSuffix(detail, cls), ": ")
	msg := op + ": " + cls + " (the previous version is intact)"
	if detail != "" {
		msg += ": " + detail
	}
	return &classifiedError{msg: msg, errs: []error{class, err}}
}

// classifiedError reads as its message and matches both its class and the
// error it came from.
type classifiedError struct {
	msg  string
	errs []error
}

func (e *classifiedError) Error() string   { return e.msg }
func (e *classifiedError) Unwrap() []error { return e.errs }

func classify(err error) error {
	if c := classifyOS(err); c != nil {
		return c
	}
	if errors.Is(err, fs.ErrPermission) {
		return ErrPermission
	}
	return nil
}

// Delete removes a conversation.
func (s *Store) Delete(ctx context.Context, id string) error {
	return s.changed(id, s.delete(ctx, id))
}

func (s *Store) delete(ctx context.Context, id string) error {
	if err := checkID("delete conversation", id); err != nil {
		return err
	}
	if err := s.waitReconciled(ctx); err != nil {
		return fmt.Errorf("delete conversation %s: %w", id, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cat, err := s.catalog()
	if err != nil {
		return fmt.Errorf("delete conversation %s: %w", id, err)
	}
	// The attachments it refers to go too, unless another conversation
	// refers to them as well.
	var atts []string
	if c, _, rerr := s.read(id); rerr == nil {
		atts = attachmentIDs(c)
	}
	err = s.fs.Remove(s.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		s.indexed(ctx, cat, cat.remove(context.WithoutCancel(ctx), id))
		return fmt.Errorf("delete conversation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return writeError("delete conversation "+id, err)
	}
	if s.durable {
		if err := s.fs.SyncDir(s.convDir); err != nil {
			s.log.Warn("store: folder fsync after delete failed", "conversation", id, "err", err)
		}
	}
	s.indexed(ctx, cat, cat.remove(context.WithoutCancel(ctx), id))
	if cat, err := s.catalog(); err == nil {
		s.dropUnused(context.WithoutCancel(ctx), cat, atts)
	}
	return nil
}

// Rename sets the title. Line breaks become spaces, surrounding space is
// trimmed; UpdatedAt is not changed (renaming does not reorder the list).
func (s *Store) Rename(ctx context.Context, id, title string) error {
	title = cleanTitle(title)
	if len(title) > conversation.MaxTitleBytes {
		return fmt.Errorf("rename conversation %s: the title is longer than %d bytes", id, conversation.MaxTitleBytes)
	}
	return s.changed(id, s.modify(ctx, "rename conversation", id, func(c *conversation.Conversation) (string, error) {
		c.Title = title
		return "", nil
	}))
}

func cleanTitle(t string) string {
	t = strings.ToValidUTF8(t, "\uFFFD")
	t = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, t)
	return strings.TrimSpace(t)
}

// SetPinned pins or unpins a conversation (pinned ones lead the list).
func (s *Store) SetPinned(ctx context.Context, id string, pinned bool) error {
	return s.changed(id, s.modify(ctx, "pin conversation", id, func(c *conversation.Conversation) (string, error) {
		c.Pinned = pinned
		return "", nil
	}))
}

// SetArchived archives or restores a conversation.
func (s *Store) SetArchived(ctx context.Context, id string, archived bool) error {
	return s.changed(id, s.modify(ctx, "archive conversation", id, func(c *conversation.Conversation) (string, error) {
		c.Archived = archived
		return "", nil
	}))
}

// UpdateMessage replaces the message with m.ID in conversation convID with
// m: the cheap checkpoint of a streaming reply. Only that message is
// re-indexed. The message must already exist (Save it first).
func (s *Store) UpdateMessage(ctx context.Context, convID string, m conversation.Message) error {
	statusChanged := false
	err := s.modify(ctx, "update message", convID, func(c *conversation.Conversation) (string, error) {
		i := c.Index(m.ID)
		if i < 0 {
			return "", fmt.Errorf("message %q: %w", truncate(m.ID, 60), ErrNotFound)
		}
		statusChanged = c.Messages[i].Status != m.Status
		c.Messages[i] = m
		return m.ID, nil
	})
	if !statusChanged {
		return err
	}
	return s.changed(convID, err)
}

// Update applies fn to the stored conversation id and saves the result, all
// under the write lock, so that no other change (a rename, a checkpoint) can
// slip in between the read and the write. When fn returns an error nothing
// is written and Update returns that error, wrapped.
func (s *Store) Update(ctx context.Context, id string, fn func(*conversation.Conversation) error) error {
	return s.changed(id, s.modify(ctx, "update", id, func(c *conversation.Conversation) (string, error) {
		return "", fn(c)
	}))
}

// modify is a read-modify-write of one conversation under the write lock.
// fn returns the id of the one message it changed, or "" for a
// conversation-level change.
func (s *Store) modify(ctx context.Context, op, id string, fn func(*conversation.Conversation) (string, error)) error {
	if err := checkID(op, id); err != nil {
		return err
	}
	if err := s.waitReconciled(ctx); err != nil {
		return fmt.Errorf("%s %s: %w", op, id, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	cat, err := s.catalog()
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, id, err)
	}
	c, _, err := s.read(id)
	if errors.Is(err, ErrCorrupt) {
		s.quarantineChanged(ctx, id, err)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, id, err)
	}
	msgID, err := fn(c)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, id, err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s %s: %w", op, id, err)
	}
	b, err := encode(c)
	if err != nil {
		return fmt.Errorf("%s %s: encode: %w", op, id, err)
	}
	st, err := s.write(id, b)
	if err != nil {
		return writeError(op+" "+id, err)
	}
	if msgID != "" {
		s.indexed(ctx, cat, cat.putMessage(context.WithoutCancel(ctx), c, msgID, st))
	} else {
		s.indexed(ctx, cat, cat.put(context.WithoutCancel(ctx), c, st))
	}
	return nil
}

// indexed handles the result of an index update made under wmu: on failure
// the store switches to working from the files. The update itself runs on a
// context that is not cancelled with the caller's: once the file is written,
// the index must follow it, or the conversation would vanish from the list.
func (s *Store) indexed(ctx context.Context, cat catalog, err error) {
	if err == nil {
		return
	}
	s.degradeLocked(context.WithoutCancel(ctx), cat, err)
}

// degrade switches from a failing catalog to one built from the files and
// returns the catalog to use now.
func (s *Store) degrade(ctx context.Context, failed catalog, cause error) (catalog, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.degradeLocked(ctx, failed, cause)
}

func (s *Store) degradeLocked(ctx context.Context, failed catalog, cause error) (catalog, error) {
	s.mu.RLock()
	cur, closed := s.cat, s.closed
	s.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	if cur != failed {
		return cur, nil // someone already switched
	}
	if _, ok := failed.(*memCatalog); ok {
		return nil, cause // nothing further to fall back to
	}
	s.log.Error("store: index failed; working from the files", "err", cause)
	mem, err := s.loadMem(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("index failed (%v) and reading the files failed: %w", cause, err)
	}
	// Changes made from now on reach only the files: make the next Open
	// reconcile before it serves the list.
	if err := writeAtomic(s.fs, s.dir, staleMarkName, nil, s.durable); err != nil {
		s.log.Warn("store: could not mark the index stale", "err", err)
	}
	s.mu.Lock()
	s.cat = mem
	s.indexErr = fmt.Errorf("index unavailable, working from the files: %w", cause)
	s.report.IndexError = s.indexErr.Error()
	s.mu.Unlock()
	if err := failed.close(); err != nil {
		s.log.Warn("store: closing the failed index", "err", err)
	}
	if ix, ok := failed.(*index); ok && isCorrupt(cause) {
		// Rebuilt from the files at the next open.
		if err := ix.discard(); err != nil {
			s.log.Warn("store: could not remove the damaged index", "err", err)
		}
	}
	return mem, nil
}

// quarantineChanged moves a file found damaged after Open out of the way.
// Called with wmu held.
func (s *Store) quarantineChanged(ctx context.Context, id string, reason error) {
	q, err := s.quarantine(id+fileExt, reason)
	if err != nil {
		s.log.Error("store: could not quarantine a damaged file", "file", id+fileExt, "err", err)
		return
	}
	s.mu.Lock()
	s.report.Quarantined = append(s.report.Quarantined, q)
	cat := s.cat
	s.mu.Unlock()
	s.indexed(ctx, cat, cat.remove(context.WithoutCancel(ctx), id))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// IDs lists the id of every conversation, archived ones included, in list
// order.
func (s *Store) IDs(ctx context.Context) ([]string, error) {
	var ids []string
	for off := 0; ; {
		p, err := s.List(ctx, ListQuery{Archived: ArchivedInclude, Offset: off, Limit: MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, sum := range p.Items {
			ids = append(ids, sum.ID)
		}
		off += len(p.Items)
		if !p.More || len(p.Items) == 0 {
			return ids, nil
		}
	}
}
