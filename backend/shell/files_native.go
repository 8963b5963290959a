//go:build !js

package shell

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// AtomicFile is how native shells write an export: to a temporary file in
// the same folder, renamed into place on Close, so that a failed export
// never leaves half a file under the chosen name.
type AtomicFile struct {
	*os.File
	final string
	done  bool
}

// CreateAtomic starts writing path.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &AtomicFile{File: f, final: path}, nil
}

// Abort drops what was written; the file under the chosen name, if any,
// stays as it was.
func (f *AtomicFile) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// Close syncs the file and renames it into place.
func (f *AtomicFile) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.File.Name(), f.final)
	}
	if err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.final, err)
	}
	return nil
}

// OpenRegular opens a regular file the user named.
func OpenRegular(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, fmt.Errorf("open %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return File{}, fmt.Errorf("open %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return File{}, errors.New("only regular files can be opened")
	}
	return File{Name: filepath.Base(path), Size: fi.Size(), Reader: f, Close: f.Close}, nil
}
