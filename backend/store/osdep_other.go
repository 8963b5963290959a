//go:build !unix && !windows && !js

package store

import "os"

func renameRetry(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func syncDir(string) error { return nil }

// lockFile is a no-op where the OS offers no file lock the store can use.
type lockFile struct{}

func acquireLock(string) (*lockFile, error) { return &lockFile{}, nil }

func (*lockFile) release() error { return nil }

func classifyOS(error) error { return nil }
