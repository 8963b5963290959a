package settings

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// writeAtomic replaces path with data: a temporary file in the same
// directory, written, synced and renamed over path, then the directory
// synced. The file has mode 0600; the directory is created with 0700.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("set permissions of %s: %w", tmp, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable where the OS allows syncing a directory.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// moveAside renames path to path.<suffix>, adding -2, -3… if that exists,
// and returns the new name.
func moveAside(path, suffix string) (string, error) {
	for i := 1; i < 100; i++ {
		name := path + "." + suffix
		if i > 1 {
			name = fmt.Sprintf("%s-%d", name, i)
		}
		if _, err := os.Lstat(name); err == nil {
			continue
		}
		if err := os.Rename(path, name); err != nil {
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("too many files named %s.%s*", path, suffix)
}

// backupFile writes data to path.v<version>.bak (or a numbered variant if
// that exists) and returns its name.
func backupFile(path string, data []byte, version int) (string, error) {
	base := fmt.Sprintf("%s.v%d.bak", path, version)
	for i := 1; i < 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		if old, err := os.ReadFile(name); err == nil {
			if bytes.Equal(old, data) {
				return name, nil // the same file was backed up before
			}
			continue
		} else if _, err := os.Lstat(name); err == nil {
			continue
		}
		if err := writeAtomic(name, data); err != nil {
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("too many backups named %s*", base)
}
