package store

import (
	"io/fs"
	"os"
)

// fsys is the filesystem layer the store reads and writes conversation files
// through. The real one is osFS; tests inject one that fails on demand.
type fsys interface {
	OpenFile(name string, flag int, perm os.FileMode) (file, error)
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error) // any order
	Stat(name string) (fs.FileInfo, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	MkdirAll(name string, perm os.FileMode) error
	Chmod(name string, perm os.FileMode) error
	// SyncDir makes a rename in dir durable (a no-op where the OS cannot).
	SyncDir(dir string) error
}

// file is an open file for writing.
type file interface {
	Write(p []byte) (int, error)
	Sync() error
	Close() error
	Name() string
}

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (file, error) {
	return os.OpenFile(name, flag, perm)
}
func (osFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// ReadDir lists a folder in directory order (unsorted: sorting 10,000
// names costs more than the store needs).
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}
func (osFS) Stat(name string) (fs.FileInfo, error)        { return os.Stat(name) }
func (osFS) Rename(oldpath, newpath string) error         { return renameRetry(oldpath, newpath) }
func (osFS) Remove(name string) error                     { return os.Remove(name) }
func (osFS) MkdirAll(name string, perm os.FileMode) error { return os.MkdirAll(name, perm) }
func (osFS) Chmod(name string, perm os.FileMode) error    { return os.Chmod(name, perm) }
func (osFS) SyncDir(dir string) error                     { return syncDir(dir) }
