package settings

import (
	"context"
	"fmt"
	"io/fs"
)

// KV is a store of named values: browser storage in the web build.
type KV interface {
	// Get returns the value under key; ok is false when there is none.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Put replaces the value under key atomically.
	Put(ctx context.Context, key string, value []byte) error
}

// Stored keeps the settings document as the value Key of KV, with the same
// rules as the settings file: a document that cannot be read is kept aside
// under Key.corrupt-<time> and defaults load; an older one is backed up
// under Key.v<N>.bak before it is migrated.
type Stored struct {
	KV  KV
	Key string
}

// Load reads the document (see Load).
func (st Stored) Load(ctx context.Context) (Settings, LoadReport, error) {
	return load(ctx, storedDocument{ctx: ctx, st: st})
}

// Save writes the document (see Save).
func (st Stored) Save(ctx context.Context, s Settings) error {
	return save(ctx, storedDocument{ctx: ctx, st: st}, s)
}

type storedDocument struct {
	ctx context.Context
	st  Stored
}

func (d storedDocument) read() ([]byte, error) {
	b, ok, err := d.st.KV.Get(d.ctx, d.st.Key)
	switch {
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", d.st.Key, err)
	case !ok:
		return nil, fs.ErrNotExist
	case len(b) > MaxFileBytes:
		return nil, errTooLarge
	}
	return b, nil
}

func (d storedDocument) write(data []byte) error {
	if err := d.st.KV.Put(d.ctx, d.st.Key, data); err != nil {
		return fmt.Errorf("write %s: %w", d.st.Key, err)
	}
	return nil
}

func (d storedDocument) moveAside(suffix string) (string, error) {
	data, _, err := d.st.KV.Get(d.ctx, d.st.Key)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", d.st.Key, err)
	}
	name, err := d.free(d.st.Key + "." + suffix)
	if err != nil {
		return "", err
	}
	if err := d.st.KV.Put(d.ctx, name, data); err != nil {
		return "", fmt.Errorf("keep %s as %s: %w", d.st.Key, name, err)
	}
	return name, nil
}

func (d storedDocument) backup(data []byte, version int) (string, error) {
	name, err := d.free(fmt.Sprintf("%s.v%d.bak", d.st.Key, version))
	if err != nil {
		return "", err
	}
	if err := d.st.KV.Put(d.ctx, name, data); err != nil {
		return "", fmt.Errorf("back up %s as %s: %w", d.st.Key, name, err)
	}
	return name, nil
}

// free returns base, or base-2, base-3… if that is taken.
func (d storedDocument) free(base string) (string, error) {
	for i := 1; i < 100; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		_, taken, err := d.st.KV.Get(d.ctx, name)
		if err != nil {
			return "", fmt.Errorf("look for %s: %w", name, err)
		}
		if !taken {
			return name, nil
		}
	}
	return "", fmt.Errorf("too many values named %s*", base)
}
