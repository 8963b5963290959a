package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Temporary files are hidden and carry this suffix; Open removes leftovers.
const tmpSuffix = ".tmp"

// writeAtomic replaces dir/name with data so that a crash at any moment
// leaves either the old or the new content: write a temporary file in the
// same folder, fsync it, rename it over the target, fsync the folder.
// On any error before the rename the target is untouched and the temporary
// file is removed. With durable false the fsyncs are skipped (benchmarks).
func writeAtomic(fs fsys, dir, name string, data []byte, durable bool) (err error) {
	if r, ok := fs.(replacer); ok {
		_, err := r.replace(filepath.Join(dir, name), data, 0o600)
		return err
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return fmt.Errorf("make temporary name: %w", err)
	}
	tmp := filepath.Join(dir, "."+name+"."+hex.EncodeToString(rnd[:])+tmpSuffix)
	f, err := fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = fs.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if durable {
		if err = f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("flush %s to disk: %w", tmp, err)
		}
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err = fs.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("replace %s: %w", name, err)
	}
	if durable {
		// The new version is in place; a failed folder sync only means the
		// rename might not survive a power cut. Report it, the data is there.
		if serr := fs.SyncDir(dir); serr != nil {
			return &dirSyncError{err: serr}
		}
	}
	return nil
}

// replacer is a file system that replaces a file atomically by itself (the
// browser's: in one transaction), without a temporary file; it returns the
// new file's stat.
type replacer interface {
	replace(path string, data []byte, perm os.FileMode) (fs.FileInfo, error)
}

// dirSyncError is returned when everything but the final folder fsync
// succeeded: the new version is in place.
type dirSyncError struct{ err error }

func (e *dirSyncError) Error() string { return "flush folder to disk: " + e.err.Error() }
func (e *dirSyncError) Unwrap() error { return e.err }

// isTempName reports whether a directory entry is a leftover temporary file.
func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, tmpSuffix)
}
