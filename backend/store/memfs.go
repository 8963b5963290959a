package store

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// WithMemory keeps the data folder in memory: nothing is written anywhere
// and everything is gone at Close. The web shell's "memory" storage (a
// widget that keeps nothing in the browser) uses it. It works from the
// files alone (no index) and takes no lock.
func WithMemory() Option {
	return func(o *options) {
		o.fs = newMemFS()
		o.useIndex = false
		o.noLock = true
	}
}

// memFS is a file tree in memory. A file opened for writing becomes visible
// when it is closed, as a whole.
type memFS struct {
	mu    sync.Mutex
	files map[string]memEntry
	dirs  map[string]time.Time
}

type memEntry struct {
	data []byte
	mode os.FileMode
	mod  time.Time
}

func newMemFS() *memFS {
	return &memFS{files: map[string]memEntry{}, dirs: map[string]time.Time{"/": time.Now()}}
}

func memPath(name string) string { return filepath.ToSlash(filepath.Clean(name)) }

func (m *memFS) pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func (m *memFS) OpenFile(name string, flag int, perm os.FileMode) (file, error) {
	n := memPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.dirs[path.Dir(n)]; !ok {
		return nil, m.pathErr("open", name, fs.ErrNotExist)
	}
	if _, ok := m.dirs[n]; ok {
		return nil, m.pathErr("open", name, fs.ErrInvalid)
	}
	old, exists := m.files[n]
	switch {
	case exists && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, m.pathErr("open", name, fs.ErrExist)
	case !exists && flag&os.O_CREATE == 0:
		return nil, m.pathErr("open", name, fs.ErrNotExist)
	}
	f := &memFile{fs: m, name: n, shown: name, mode: perm}
	if exists && flag&os.O_TRUNC == 0 {
		f.data = append([]byte(nil), old.data...)
	}
	if !exists {
		m.files[n] = memEntry{mode: perm, mod: time.Now()}
	}
	return f, nil
}

// memFile is a file being written.
type memFile struct {
	fs          *memFS
	name, shown string
	mode        os.FileMode
	data        []byte
	closed      bool
}

func (f *memFile) Write(p []byte) (int, error) {
	if f.closed {
		return 0, f.fs.pathErr("write", f.shown, fs.ErrClosed)
	}
	f.data = append(f.data, p...)
	return len(p), nil
}

func (f *memFile) Sync() error  { return nil }
func (f *memFile) Name() string { return f.shown }

func (f *memFile) Close() error {
	if f.closed {
		return f.fs.pathErr("close", f.shown, fs.ErrClosed)
	}
	f.closed = true
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if _, ok := f.fs.files[f.name]; ok { // not removed or renamed meanwhile
		f.fs.files[f.name] = memEntry{data: f.data, mode: f.mode, mod: time.Now()}
	}
	return nil
}

func (m *memFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.files[memPath(name)]
	if !ok {
		return nil, m.pathErr("open", name, fs.ErrNotExist)
	}
	return append([]byte(nil), e.data...), nil
}

func (m *memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	d := memPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.dirs[d]; !ok {
		return nil, m.pathErr("open", name, fs.ErrNotExist)
	}
	var out []fs.DirEntry
	for n, e := range m.files {
		if path.Dir(n) == d {
			out = append(out, fs.FileInfoToDirEntry(memInfo{name: path.Base(n), size: int64(len(e.data)), mode: e.mode, mod: e.mod}))
		}
	}
	for n, mod := range m.dirs {
		if n != d && path.Dir(n) == d {
			out = append(out, fs.FileInfoToDirEntry(memInfo{name: path.Base(n), mode: fs.ModeDir | 0o700, mod: mod}))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

func (m *memFS) Stat(name string) (fs.FileInfo, error) {
	n := memPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.files[n]; ok {
		return memInfo{name: path.Base(n), size: int64(len(e.data)), mode: e.mode, mod: e.mod}, nil
	}
	if mod, ok := m.dirs[n]; ok {
		return memInfo{name: path.Base(n), mode: fs.ModeDir | 0o700, mod: mod}, nil
	}
	return nil, m.pathErr("stat", name, fs.ErrNotExist)
}

func (m *memFS) Rename(oldpath, newpath string) error {
	o, n := memPath(oldpath), memPath(newpath)
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.files[o]
	if !ok {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: fs.ErrNotExist}
	}
	if _, ok := m.dirs[path.Dir(n)]; !ok {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: fs.ErrNotExist}
	}
	delete(m.files, o)
	m.files[n] = e
	return nil
}

func (m *memFS) Remove(name string) error {
	n := memPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[n]; ok {
		delete(m.files, n)
		return nil
	}
	if _, ok := m.dirs[n]; ok {
		for other := range m.files {
			if strings.HasPrefix(other, n+"/") {
				return m.pathErr("remove", name, fs.ErrInvalid)
			}
		}
		delete(m.dirs, n)
		return nil
	}
	return m.pathErr("remove", name, fs.ErrNotExist)
}

func (m *memFS) MkdirAll(name string, perm os.FileMode) error {
	n := memPath(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	for d := n; ; d = path.Dir(d) {
		if _, ok := m.files[d]; ok {
			return m.pathErr("mkdir", name, fs.ErrExist)
		}
		if _, ok := m.dirs[d]; !ok {
			m.dirs[d] = time.Now()
		}
		if d == "/" || d == "." {
			return nil
		}
	}
}

func (m *memFS) Chmod(string, os.FileMode) error { return nil }
func (m *memFS) SyncDir(string) error            { return nil }

type memInfo struct {
	name string
	size int64
	mode fs.FileMode
	mod  time.Time
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return i.mode }
func (i memInfo) ModTime() time.Time { return i.mod }
func (i memInfo) IsDir() bool        { return i.mode.IsDir() }
func (i memInfo) Sys() any           { return nil }
