//go:build js && wasm

package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"murmur/backend/browserdb"
)

// Object stores of the browser database the store uses.
const (
	// filesStore maps a clean absolute path to its metadata (fileMeta);
	// it also holds the lock epochs (keys "epoch:<dir>").
	filesStore = "files"
	// blobsStore maps a blob id to a file's content. A rename moves the
	// metadata only, so replacing a file is one small transaction.
	blobsStore = "blobs"
	// catalogStore, textsStore and searchStore hold the index (see idbIndex).
	catalogStore = "catalog"
	textsStore   = "texts"
	searchStore  = "search"
)

var browserStores = []string{filesStore, blobsStore, catalogStore, textsStore, searchStore}

// idbFS is the store's file system in the browser: files and folders in
// IndexedDB. Every change is one transaction, so a write cut short by a
// closed tab leaves nothing half done. The store replaces a file with
// replace, one transaction that puts the new content and drops the old;
// through OpenFile and Rename (the atomic replace of other file systems) the
// temporary file exists whole or not at all, and the rename over the target
// switches it from the old content to the new at once.
//
// Once the store's lock is taken (lock), every change also checks, in its
// own transaction, that no other tab has taken the lock since (the epoch):
// a tab that lost the lock cannot write even before it hears of it.
type idbFS struct {
	db *browserdb.DB

	prepare sync.Once
	prepErr error

	// clock makes modification times strictly increasing, so that a file
	// rewritten within the same millisecond still shows as changed.
	clock atomic.Int64

	mu       sync.Mutex // guards the fields below
	epochKey string     // "" until the lock is taken
	epoch    uint64
	lost     bool
}

func newIDBFS(db *browserdb.DB) *idbFS { return &idbFS{db: db} }

// ready makes sure the database has the store's object stores.
func (f *idbFS) ready() error {
	f.prepare.Do(func() {
		f.prepErr = f.db.Ensure(context.Background(), browserStores...)
	})
	return f.prepErr
}

// errTakenOver: another tab took the store's lock; this one must not write.
var errTakenOver = &lockedError{msg: "Murmur was opened in another tab of this browser, which saves the changes now; reload this tab to use it here"}

// fileMeta is what the files store keeps per path.
type fileMeta struct {
	dir   bool
	perm  fs.FileMode
	size  int64
	mtime int64 // UnixNano
	blob  string
}

const metaVersion = 1

func (m fileMeta) encode() []byte {
	b := make([]byte, 0, 40+len(m.blob))
	kind := byte(0)
	if m.dir {
		kind = 1
	}
	b = append(b, metaVersion, kind)
	b = binary.AppendUvarint(b, uint64(m.perm))
	b = binary.AppendVarint(b, m.size)
	b = binary.AppendVarint(b, m.mtime)
	return append(b, m.blob...)
}

func decodeMeta(b []byte) (fileMeta, error) {
	if len(b) < 2 || b[0] != metaVersion {
		return fileMeta{}, errors.New("unreadable file entry")
	}
	m := fileMeta{dir: b[1] == 1}
	rest := b[2:]
	perm, n := binary.Uvarint(rest)
	if n <= 0 {
		return fileMeta{}, errors.New("unreadable file entry")
	}
	rest = rest[n:]
	size, n := binary.Varint(rest)
	if n <= 0 {
		return fileMeta{}, errors.New("unreadable file entry")
	}
	rest = rest[n:]
	mtime, n := binary.Varint(rest)
	if n <= 0 {
		return fileMeta{}, errors.New("unreadable file entry")
	}
	m.perm, m.size, m.mtime, m.blob = fs.FileMode(perm), size, mtime, string(rest[n:])
	return m, nil
}

// clean makes name a clean absolute path; the store only uses those.
func clean(op, name string) (string, error) {
	if !strings.HasPrefix(name, "/") {
		return "", &fs.PathError{Op: op, Path: name, Err: errors.New("not an absolute path")}
	}
	return path.Clean(name), nil
}

func (f *idbFS) now() int64 {
	t := time.Now().UnixNano()
	for {
		last := f.clock.Load()
		if t <= last {
			t = last + 1
		}
		if f.clock.CompareAndSwap(last, t) {
			return t
		}
	}
}

func newBlobID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// getMeta reads the entry of p; the root folder always exists.
func getMeta(tx *browserdb.Tx, p string) (fileMeta, bool, error) {
	if p == "/" {
		return fileMeta{dir: true, perm: 0o700}, true, nil
	}
	b, err := tx.Get(filesStore, p)
	if errors.Is(err, browserdb.ErrNotFound) {
		return fileMeta{}, false, nil
	}
	if err != nil {
		return fileMeta{}, false, err
	}
	m, err := decodeMeta(b)
	return m, err == nil, err
}

// update runs fn in one read-write transaction that first checks that this
// tab still holds the store's lock.
func (f *idbFS) update(stores []string, fn func(*browserdb.Tx) error) error {
	return f.updateOn(f.db, stores, fn)
}

// updateOn is update on another connection to the same database.
func (f *idbFS) updateOn(db *browserdb.DB, stores []string, fn func(*browserdb.Tx) error) error {
	if err := f.ready(); err != nil {
		return err
	}
	f.mu.Lock()
	key, epoch, lost := f.epochKey, f.epoch, f.lost
	f.mu.Unlock()
	if lost {
		return errTakenOver
	}
	if key != "" && !slices.Contains(stores, filesStore) {
		stores = append(stores, filesStore)
	}
	return db.Update(context.Background(), stores, func(tx *browserdb.Tx) error {
		if key != "" {
			b, err := tx.Get(filesStore, key)
			if err != nil && !errors.Is(err, browserdb.ErrNotFound) {
				return err
			}
			if len(b) != 8 || binary.BigEndian.Uint64(b) != epoch {
				f.setLost()
				return errTakenOver
			}
		}
		return fn(tx)
	})
}

func (f *idbFS) view(stores []string, fn func(*browserdb.Tx) error) error {
	if err := f.ready(); err != nil {
		return err
	}
	return f.db.View(context.Background(), stores, fn)
}

func (f *idbFS) setLost() {
	f.mu.Lock()
	f.lost = true
	f.mu.Unlock()
}

// pathError wraps err as a PathError unless it already is one (or says the
// lock was taken over, which needs no path).
func pathError(op, p string, err error) error {
	var pe *fs.PathError
	if err == nil || errors.As(err, &pe) || errors.Is(err, errTakenOver) {
		return err
	}
	return &fs.PathError{Op: op, Path: p, Err: err}
}

// OpenFile opens name for writing. Supported: write-only or read-write with
// O_CREATE, O_EXCL and O_TRUNC; the content is stored at Close.
func (f *idbFS) OpenFile(name string, flag int, perm os.FileMode) (file, error) {
	p, err := clean("open", name)
	if err != nil {
		return nil, err
	}
	if flag&(os.O_WRONLY|os.O_RDWR) == 0 || flag&os.O_APPEND != 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("the browser file system opens files for writing only, without O_APPEND")}
	}
	err = f.view([]string{filesStore}, func(tx *browserdb.Tx) error {
		_, _, err := checkCreate(tx, p, flag)
		return err
	})
	if err != nil {
		return nil, pathError("open", name, err)
	}
	return &idbFile{fs: f, name: name, path: p, flag: flag, perm: perm.Perm()}, nil
}

// checkCreate checks that p may be created or truncated with flag, and
// returns what is there now (ok false: nothing).
func checkCreate(tx *browserdb.Tx, p string, flag int) (old fileMeta, ok bool, err error) {
	ms, err := getMetas(tx, p, path.Dir(p))
	if err != nil {
		return fileMeta{}, false, err
	}
	m, parent := ms[0], ms[1]
	switch {
	case m != nil && m.dir:
		return fileMeta{}, false, syscall.EISDIR
	case m != nil && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return fileMeta{}, false, fs.ErrExist
	case m != nil && flag&os.O_TRUNC == 0:
		return fileMeta{}, false, errors.New("the browser file system only replaces a file whole (O_TRUNC)")
	case m == nil && flag&os.O_CREATE == 0:
		return fileMeta{}, false, fs.ErrNotExist
	case parent == nil:
		return fileMeta{}, false, fs.ErrNotExist
	case !parent.dir:
		return fileMeta{}, false, syscall.ENOTDIR
	}
	if m == nil {
		return fileMeta{}, false, nil
	}
	return *m, true, nil
}

// getMetas reads the entries of paths at once; nil where there is none.
func getMetas(tx *browserdb.Tx, paths ...string) ([]*fileMeta, error) {
	keys := make([]string, 0, len(paths))
	for _, p := range paths {
		if p != "/" {
			keys = append(keys, p)
		}
	}
	vals, err := tx.GetMany(filesStore, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*fileMeta, len(paths))
	for i, p := range paths {
		if p == "/" {
			out[i] = &fileMeta{dir: true, perm: 0o700}
			continue
		}
		b := vals[0]
		vals = vals[1:]
		if b == nil {
			continue
		}
		m, err := decodeMeta(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out[i] = &m
	}
	return out, nil
}

// idbFile gathers what is written and stores it whole.
type idbFile struct {
	fs         *idbFS
	name, path string
	flag       int
	perm       fs.FileMode
	buf        []byte
	closed     bool
}

func (w *idbFile) Name() string { return w.name }

func (w *idbFile) Write(p []byte) (int, error) {
	if w.closed {
		return 0, &fs.PathError{Op: "write", Path: w.name, Err: fs.ErrClosed}
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// Sync does nothing: the file is stored whole, in one transaction, at
// Close; until then there is nothing in the browser to flush.
func (w *idbFile) Sync() error {
	if w.closed {
		return &fs.PathError{Op: "sync", Path: w.name, Err: fs.ErrClosed}
	}
	return nil
}

// Close stores the file: what was written, in one transaction.
func (w *idbFile) Close() error {
	if w.closed {
		return &fs.PathError{Op: "close", Path: w.name, Err: fs.ErrClosed}
	}
	_, err := w.store("close")
	w.closed = true
	w.buf = nil
	return err
}

func (w *idbFile) store(op string) (fileMeta, error) {
	blob, err := newBlobID()
	if err != nil {
		return fileMeta{}, &fs.PathError{Op: op, Path: w.name, Err: err}
	}
	meta := fileMeta{perm: w.perm, size: int64(len(w.buf)), mtime: w.fs.now(), blob: blob}
	err = w.fs.update([]string{filesStore, blobsStore}, func(tx *browserdb.Tx) error {
		old, ok, err := checkCreate(tx, w.path, w.flag)
		if err != nil {
			return err
		}
		if err := tx.Put(blobsStore, blob, w.buf); err != nil {
			return err
		}
		if err := tx.Put(filesStore, w.path, meta.encode()); err != nil {
			return err
		}
		if ok && old.blob != "" {
			return tx.Delete(blobsStore, old.blob)
		}
		return nil
	})
	return meta, pathError("write", w.name, err)
}

// replace writes data as the whole content of name in one transaction:
// another tab, or this one after it was closed mid-write, sees the old
// content or the new, never a mix. It returns the new file's stat.
func (f *idbFS) replace(name string, data []byte, perm os.FileMode) (fs.FileInfo, error) {
	p, err := clean("open", name)
	if err != nil {
		return nil, err
	}
	w := &idbFile{fs: f, name: name, path: p, flag: os.O_WRONLY | os.O_CREATE | os.O_TRUNC, perm: perm.Perm(), buf: data}
	meta, err := w.store("write")
	if err != nil {
		return nil, err
	}
	return fileInfo{name: path.Base(p), meta: meta}, nil
}

// ReadFile returns the content of name.
func (f *idbFS) ReadFile(name string) ([]byte, error) {
	p, err := clean("open", name)
	if err != nil {
		return nil, err
	}
	var out []byte
	err = f.view([]string{filesStore, blobsStore}, func(tx *browserdb.Tx) error {
		m, ok, err := getMeta(tx, p)
		switch {
		case err != nil:
			return err
		case !ok:
			return fs.ErrNotExist
		case m.dir:
			return syscall.EISDIR
		}
		out, err = tx.Get(blobsStore, m.blob)
		if errors.Is(err, browserdb.ErrNotFound) {
			return errors.New("the file's content is missing")
		}
		return err
	})
	if err != nil {
		return nil, pathError("read", name, err)
	}
	return out, nil
}

// ReadDir lists the entries directly in name, sorted by name.
func (f *idbFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := clean("open", name)
	if err != nil {
		return nil, err
	}
	prefix := p + "/"
	if p == "/" {
		prefix = "/"
	}
	var out []fs.DirEntry
	err = f.view([]string{filesStore}, func(tx *browserdb.Tx) error {
		m, ok, err := getMeta(tx, p)
		switch {
		case err != nil:
			return err
		case !ok:
			return fs.ErrNotExist
		case !m.dir:
			return syscall.ENOTDIR
		}
		es, err := tx.List(filesStore, prefix)
		if err != nil {
			return err
		}
		out = make([]fs.DirEntry, 0, len(es))
		for _, e := range es {
			rest := e.Key[len(prefix):]
			if rest == "" || strings.Contains(rest, "/") {
				continue
			}
			m, err := decodeMeta(e.Value)
			if err != nil {
				return fmt.Errorf("%s: %w", e.Key, err)
			}
			out = append(out, dirEntry{info: fileInfo{name: rest, meta: m}})
		}
		return nil
	})
	if err != nil {
		return nil, pathError("readdir", name, err)
	}
	return out, nil
}

// Stat describes name.
func (f *idbFS) Stat(name string) (fs.FileInfo, error) {
	p, err := clean("stat", name)
	if err != nil {
		return nil, err
	}
	var info fileInfo
	err = f.view([]string{filesStore}, func(tx *browserdb.Tx) error {
		m, ok, err := getMeta(tx, p)
		if err != nil {
			return err
		}
		if !ok {
			return fs.ErrNotExist
		}
		info = fileInfo{name: path.Base(p), meta: m}
		return nil
	})
	if err != nil {
		return nil, pathError("stat", name, err)
	}
	return info, nil
}

// Rename moves the file oldpath to newpath, replacing what was there, in one
// transaction. Folders are not renamed.
func (f *idbFS) Rename(oldpath, newpath string) error {
	from, err := clean("rename", oldpath)
	if err != nil {
		return err
	}
	to, err := clean("rename", newpath)
	if err != nil {
		return err
	}
	err = f.update([]string{filesStore, blobsStore}, func(tx *browserdb.Tx) error {
		m, ok, err := getMeta(tx, from)
		switch {
		case err != nil:
			return err
		case !ok:
			return fs.ErrNotExist
		case m.dir:
			return errors.New("the browser file system does not rename folders")
		}
		if from == to {
			return nil
		}
		old, exists, err := getMeta(tx, to)
		if err != nil {
			return err
		}
		if exists && old.dir {
			return syscall.EISDIR
		}
		parent, ok, err := getMeta(tx, path.Dir(to))
		if err != nil {
			return err
		}
		if !ok || !parent.dir {
			return fs.ErrNotExist
		}
		if err := tx.Put(filesStore, to, m.encode()); err != nil {
			return err
		}
		if err := tx.Delete(filesStore, from); err != nil {
			return err
		}
		if exists && old.blob != "" && old.blob != m.blob {
			return tx.Delete(blobsStore, old.blob)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errTakenOver) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return err
		}
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return err
}

// Remove removes a file or an empty folder.
func (f *idbFS) Remove(name string) error {
	p, err := clean("remove", name)
	if err != nil {
		return err
	}
	if p == "/" {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.EBUSY}
	}
	err = f.update([]string{filesStore, blobsStore}, func(tx *browserdb.Tx) error {
		m, ok, err := getMeta(tx, p)
		switch {
		case err != nil:
			return err
		case !ok:
			return fs.ErrNotExist
		}
		if m.dir {
			n, err := tx.Count(filesStore, p+"/")
			if err != nil {
				return err
			}
			if n > 0 {
				return syscall.ENOTEMPTY
			}
		}
		if err := tx.Delete(filesStore, p); err != nil {
			return err
		}
		if m.blob != "" {
			return tx.Delete(blobsStore, m.blob)
		}
		return nil
	})
	return pathError("remove", name, err)
}

// MkdirAll creates the folder name and the missing folders above it.
func (f *idbFS) MkdirAll(name string, perm os.FileMode) error {
	p, err := clean("mkdir", name)
	if err != nil {
		return err
	}
	// Nothing to write when the folder exists: a Store opening is then
	// not a write (and needs no lock yet).
	if fi, err := f.Stat(p); err == nil && fi.IsDir() {
		return nil
	}
	err = f.update([]string{filesStore}, func(tx *browserdb.Tx) error {
		var chain []string
		for d := p; d != "/"; d = path.Dir(d) {
			chain = append(chain, d)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			m, ok, err := getMeta(tx, chain[i])
			if err != nil {
				return err
			}
			if ok && !m.dir {
				return syscall.ENOTDIR
			}
			if !ok {
				dm := fileMeta{dir: true, perm: perm.Perm(), mtime: f.now()}
				if err := tx.Put(filesStore, chain[i], dm.encode()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return pathError("mkdir", name, err)
}

// Chmod sets the permission bits kept with name.
func (f *idbFS) Chmod(name string, perm os.FileMode) error {
	return f.change("chmod", name, func(m *fileMeta) { m.perm = perm.Perm() })
}

// Chtimes sets the modification time of name.
func (f *idbFS) Chtimes(name string, mtime time.Time) error {
	return f.change("chtimes", name, func(m *fileMeta) { m.mtime = mtime.UnixNano() })
}

func (f *idbFS) change(op, name string, fn func(*fileMeta)) error {
	p, err := clean(op, name)
	if err != nil {
		return err
	}
	err = f.update([]string{filesStore}, func(tx *browserdb.Tx) error {
		m, ok, err := getMeta(tx, p)
		if err != nil {
			return err
		}
		if !ok || p == "/" {
			return fs.ErrNotExist
		}
		fn(&m)
		return tx.Put(filesStore, p, m.encode())
	})
	return pathError(op, name, err)
}

// SyncDir does nothing: a committed transaction is as durable as the
// browser makes it, renames included.
func (f *idbFS) SyncDir(string) error { return nil }

type fileInfo struct {
	name string
	meta fileMeta
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.meta.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.meta.dir {
		return fs.ModeDir | i.meta.perm
	}
	return i.meta.perm
}
func (i fileInfo) ModTime() time.Time { return time.Unix(0, i.meta.mtime) }
func (i fileInfo) IsDir() bool        { return i.meta.dir }
func (i fileInfo) Sys() any           { return nil }

type dirEntry struct{ info fileInfo }

func (e dirEntry) Name() string               { return e.info.name }
func (e dirEntry) IsDir() bool                { return e.info.meta.dir }
func (e dirEntry) Type() fs.FileMode          { return e.info.Mode().Type() }
func (e dirEntry) Info() (fs.FileInfo, error) { return e.info, nil }
