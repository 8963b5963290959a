//go:build js

package store

import (
	"errors"
	"os"
	"syscall"

	"murmur/backend/browserdb"
)

func renameRetry(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func syncDir(string) error { return nil }

// lockFile is a no-op: in the browser the store's lock is the Web Lock of
// its database (see idbFS.lock); a js build on files (Node) has no lock.
type lockFile struct{}

func acquireLock(string) (*lockFile, error) { return &lockFile{}, nil }

func (*lockFile) release() error { return nil }

// storageFull is ErrDiskFull in the browser's words.
type storageFull struct{}

func (storageFull) Error() string        { return browserdb.ErrQuotaExceeded.Error() }
func (storageFull) Is(target error) bool { return target == ErrDiskFull }

func classifyOS(err error) error {
	switch {
	case errors.Is(err, browserdb.ErrQuotaExceeded):
		return storageFull{}
	case errors.Is(err, errTakenOver):
		return errTakenOver
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return ErrDiskFull
	case errors.Is(err, syscall.EROFS):
		return ErrReadOnly
	}
	return nil
}
