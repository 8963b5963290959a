//go:build windows

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Windows error codes the store cares about.
const (
	errorAccessDenied     syscall.Errno = 5
	errorSharingViolation syscall.Errno = 32
	errorLockViolation    syscall.Errno = 33
	errorHandleDiskFull   syscall.Errno = 39
	errorDiskFull         syscall.Errno = 112
	errorWriteProtect     syscall.Errno = 19
)

// renameRetry renames, retrying for a while when another process (an
// antivirus scanner, the search indexer, a backup tool) briefly has the
// target open, which Windows reports as access denied or a sharing violation.
func renameRetry(oldpath, newpath string) error {
	var err error
	delay := 5 * time.Millisecond
	for attempt := 0; attempt < 10; attempt++ {
		err = os.Rename(oldpath, newpath)
		if err == nil || !(errors.Is(err, errorAccessDenied) ||
			errors.Is(err, errorSharingViolation) || errors.Is(err, errorLockViolation)) {
			return err
		}
		time.Sleep(delay)
		if delay < 200*time.Millisecond {
			delay *= 2
		}
	}
	return err
}

// syncDir is a no-op: Windows cannot fsync a directory; NTFS journals the rename.
func syncDir(string) error { return nil }

// lockFile holds the lock file open without sharing, which stops a second
// process from opening it until this handle is closed (or the process dies).
type lockFile struct{ h syscall.Handle }

func acquireLock(path string) (*lockFile, error) {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE, 0, nil,
		syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		if errors.Is(err, errorSharingViolation) || errors.Is(err, errorAccessDenied) {
			return nil, errLockHeld
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &lockFile{h: h}, nil
}

func (l *lockFile) release() error { return syscall.CloseHandle(l.h) }

func classifyOS(err error) error {
	switch {
	case errors.Is(err, errorDiskFull), errors.Is(err, errorHandleDiskFull):
		return ErrDiskFull
	case errors.Is(err, errorWriteProtect):
		return ErrReadOnly
	}
	return nil
}
