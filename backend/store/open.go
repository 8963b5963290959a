package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"murmur/backend/conversation"
)

// errLockHeld is what acquireLock returns when another process holds the lock.
var errLockHeld = errors.New("lock held")

// releaser is a held lock.
type releaser interface{ release() error }

// locker is a file system with a lock of its own (the browser's Web Lock),
// which Open takes instead of the lock file: with steal from whoever holds
// it; onLost is told when another holder takes it.
type locker interface {
	lock(ctx context.Context, dir string, steal bool, onLost func()) (releaser, error)
}

// baseFS returns the file system under the wrappers tests put around it.
func baseFS(f fsys) fsys {
	for {
		w, ok := f.(interface{ unwrap() fsys })
		if !ok {
			return f
		}
		f = w.unwrap()
	}
}

// Open opens (creating if needed) the data folder dir, takes its lock,
// repairs what a crash left behind, and brings the index up to date with
// the files. Damaged files are quarantined and reported in OpenReport;
// they never stop Open. A second Open of the same folder, from this or
// another process, fails with ErrLocked until Close.
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	o := options{fs: osFS{}, durable: true, useIndex: true}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	if dir == "" {
		return nil, errors.New("open store: no data folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{
		dir:      abs,
		convDir:  filepath.Join(abs, convDirName),
		quarDir:  filepath.Join(abs, quarantineDirName),
		fs:       o.fs,
		durable:  o.durable,
		log:      o.logger,
		onChange: o.onChange,
	}
	if err := s.fs.MkdirAll(s.convDir, 0o700); err != nil {
		if class := classify(err); class != nil {
			return nil, fmt.Errorf("open store: create %s: %w: %w", s.convDir, class, err)
		}
		return nil, fmt.Errorf("open store: create %s: %w", s.convDir, err)
	}
	if l, ok := baseFS(s.fs).(locker); ok {
		s.lock, err = l.lock(ctx, abs, o.stealLock, o.onLockLost)
	} else if !o.noLock {
		s.lock, err = acquireLock(filepath.Join(abs, lockFileName))
	}
	if errors.Is(err, errLockHeld) {
		return nil, fmt.Errorf("open store: %w (%s); close the other window first", ErrLocked, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.open(ctx, o.useIndex); err != nil {
		if s.lock != nil {
			s.lock.release()
		}
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	return s, nil
}

// open brings up the catalog. With an existing index the list is served
// at once and the files are reconciled in the background; everything that
// reads or writes a conversation waits for that (see Reconciled). A new or
// rebuilt index, or the files-only fallback, is complete before Open returns.
func (s *Store) open(ctx context.Context, useIndex bool) error {
	s.reconciled = make(chan struct{})
	if useIndex {
		ix, fresh, err := s.openIndex(ctx)
		stale := s.exists(filepath.Join(s.dir, staleMarkName))
		if err == nil && !fresh && !stale {
			// Replies a crash left streaming are recovered before Open
			// returns, so that even a command that lists and exits at once
			// sees (and leaves) them interrupted; the rest is checked behind.
			if err := s.recoverStreaming(ctx, ix); err != nil {
				ix.close()
				return err
			}
			s.cat = ix
			bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
			s.bgCancel = cancel
			go s.background(bg, ix)
			return nil
		}
		if err == nil {
			var entries []os.DirEntry
			if entries, err = s.readConvDir(); err == nil {
				err = s.reconcile(ctx, ix, entries, fresh)
			}
			if err == nil {
				if stale {
					if rerr := s.fs.Remove(filepath.Join(s.dir, staleMarkName)); rerr != nil {
						s.log.Warn("store: could not clear the stale mark", "err", rerr)
					}
				}
				s.cat = ix
				close(s.reconciled)
				return nil
			}
			ix.close()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.log.Error("store: index unavailable; working from the files", "err", err)
		s.indexErr = fmt.Errorf("index unavailable, working from the files: %w", err)
		s.report.IndexError = s.indexErr.Error()
	}
	entries, err := s.readConvDir()
	if err != nil {
		return err
	}
	mem, err := s.loadMem(ctx, entries)
	if err != nil {
		return err
	}
	s.cat = mem
	close(s.reconciled)
	return nil
}

// recoverStreaming rereads the conversations the index knows to have a
// message still streaming: load marks those messages interrupted and
// rewrites the file, and the index row follows. A file that is gone or no
// longer loads loses its row.
func (s *Store) recoverStreaming(ctx context.Context, ix *index) error {
	ids, err := ix.streamingIDs(ctx)
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	for _, id := range ids {
		c, st, ok := s.load(id)
		if !ok {
			err = ix.remove(ctx, id)
		} else {
			err = ix.put(ctx, c, st)
		}
		if err != nil {
			return fmt.Errorf("update index: %w", err)
		}
	}
	return nil
}

func (s *Store) exists(path string) bool {
	_, err := s.fs.Stat(path)
	return err == nil
}

// background reconciles an existing index with the files.
func (s *Store) background(ctx context.Context, ix *index) {
	defer close(s.reconciled)
	entries, err := s.readConvDir()
	if err == nil {
		err = s.reconcile(ctx, ix, entries, false)
	}
	if err != nil && ctx.Err() == nil {
		if _, derr := s.degrade(ctx, ix, err); derr != nil {
			s.log.Error("store: reconciling with the files failed", "err", derr)
		}
	}
}

// readConvDir lists the conversations folder and removes leftover
// temporary files: writes a crash cut short (the target still holds its
// previous version).
func (s *Store) readConvDir() ([]os.DirEntry, error) {
	entries, err := s.fs.ReadDir(s.convDir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.convDir, err)
	}
	kept := entries[:0]
	for _, e := range entries {
		if isTempName(e.Name()) && !e.IsDir() {
			if err := s.fs.Remove(filepath.Join(s.convDir, e.Name())); err != nil {
				s.log.Warn("store: could not remove a temporary file", "file", e.Name(), "err", err)
			}
			continue
		}
		kept = append(kept, e)
	}
	return kept, nil
}

// loadMem builds the in-memory catalog by reading every file. entries may
// be nil (then the folder is read).
func (s *Store) loadMem(ctx context.Context, entries []os.DirEntry) (*memCatalog, error) {
	if entries == nil {
		var err error
		if entries, err = s.readConvDir(); err != nil {
			return nil, err
		}
	}
	mem := newMemCatalog(func(id string) (*conversation.Conversation, error) {
		c, _, err := s.read(id)
		return c, err
	})
	n := 0
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		id, ok := s.convFile(e)
		if !ok {
			continue
		}
		c, st, ok := s.load(id)
		if !ok {
			continue
		}
		mem.put(ctx, c, st)
		n++
	}
	s.mu.Lock()
	s.report.Conversations = n
	s.mu.Unlock()
	return mem, nil
}

// convFile reports whether e is a conversation file and returns its id.
// A .json file whose name is not an id is quarantined: nothing can open it.
func (s *Store) convFile(e os.DirEntry) (string, bool) {
	name := e.Name()
	if e.IsDir() || !strings.HasSuffix(name, fileExt) || strings.HasPrefix(name, ".") {
		return "", false
	}
	id := strings.TrimSuffix(name, fileExt)
	if !conversation.ValidID(id) {
		s.quarantineAtOpen(name, errors.New("the file name is not a conversation id"))
		return "", false
	}
	return id, true
}

// load reads one file at open: a damaged one is quarantined, messages left
// streaming by a crash become interrupted (and the file is rewritten).
func (s *Store) load(id string) (*conversation.Conversation, fileStat, bool) {
	c, _, err := s.read(id)
	if errors.Is(err, ErrNotFound) {
		return nil, fileStat{}, false
	}
	if errors.Is(err, ErrCorrupt) {
		s.quarantineAtOpen(id+fileExt, err)
		return nil, fileStat{}, false
	}
	if errors.Is(err, ErrNewerVersion) {
		s.mu.Lock()
		s.report.Newer = append(s.report.Newer, id)
		s.mu.Unlock()
		return nil, fileStat{}, false
	}
	if err != nil {
		// Unreadable (permissions, I/O): leave it where it is, keep going.
		s.log.Error("store: could not read a conversation", "conversation", id, "err", err)
		return nil, fileStat{}, false
	}
	if c.RecoverInterrupted() {
		b, err := encode(c)
		if err == nil {
			_, err = s.write(id, b)
		}
		if err != nil {
			s.log.Error("store: could not save the recovered conversation", "conversation", id, "err", err)
		} else {
			s.mu.Lock()
			s.report.Recovered = append(s.report.Recovered, id)
			s.mu.Unlock()
		}
	}
	fi, err := s.fs.Stat(s.path(id))
	if err != nil {
		return c, fileStat{}, true
	}
	return c, statOf(fi), true
}

func (s *Store) quarantineAtOpen(name string, reason error) {
	q, err := s.quarantine(name, reason)
	if err != nil {
		s.log.Error("store: could not quarantine a damaged file", "file", name, "err", err)
		return
	}
	s.mu.Lock()
	s.report.Quarantined = append(s.report.Quarantined, q)
	s.mu.Unlock()
}

// quarantine moves convDir/name to quarantine/ with a .reason.txt beside it.
func (s *Store) quarantine(name string, reason error) (Quarantined, error) {
	if err := s.fs.MkdirAll(s.quarDir, 0o700); err != nil {
		return Quarantined{}, err
	}
	stamp := time.Now().UTC().Format("20060102T150405.000000000Z")
	dst := filepath.Join(s.quarDir, name+"."+stamp)
	if err := s.fs.Rename(filepath.Join(s.convDir, name), dst); err != nil {
		return Quarantined{}, err
	}
	msg := reason.Error()
	s.log.Warn("store: quarantined a damaged conversation file", "file", name, "moved_to", dst, "reason", msg)
	note := fmt.Sprintf("%s was moved here from %s because Murmur could not read it:\n%s\n", name, s.convDir, msg)
	if err := writeAtomic(s.fs, s.quarDir, filepath.Base(dst)+".reason.txt", []byte(note), s.durable); err != nil {
		s.log.Warn("store: could not write the quarantine note", "file", dst, "err", err)
	}
	return Quarantined{File: name, MovedTo: dst, Reason: msg}, nil
}
