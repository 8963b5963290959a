//go:build js && wasm

package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"murmur/backend/browserdb"
)

// lockedError is an ErrLocked that says in its own words who holds the lock.
type lockedError struct{ msg string }

func (e *lockedError) Error() string        { return e.msg }
func (e *lockedError) Is(target error) bool { return target == ErrLocked }

// errOtherTab: another tab of this browser has the store open.
var errOtherTab = &lockedError{msg: "Murmur is open in another tab of this browser; close it there, or take over here"}

// browserLock is the store's lock in the browser: a Web Lock named after the
// database and the folder, held while the Store is open.
type browserLock struct {
	lock *browserdb.Lock
	stop chan struct{}
}

func (l *browserLock) release() error {
	close(l.stop)
	l.lock.Release()
	return nil
}

// lock takes the store's Web Lock for dir (from another tab too, with
// steal), then raises the lock epoch so that a tab that had it can no longer
// write. onLost, if set, is called (in a goroutine of its own) when another
// tab takes the lock away.
func (f *idbFS) lock(ctx context.Context, dir string, steal bool, onLost func()) (releaser, error) {
	if err := f.ready(); err != nil {
		return nil, err
	}
	name := "murmur-store " + f.db.Name() + " " + dir
	var l *browserdb.Lock
	var err error
	if steal {
		l, err = browserdb.StealLock(ctx, name)
	} else {
		l, err = browserdb.TryLock(ctx, name)
	}
	if errors.Is(err, browserdb.ErrLockHeld) {
		return nil, errOtherTab
	}
	if err != nil {
		return nil, err
	}
	key := "epoch:" + dir
	var epoch uint64
	err = f.db.Update(ctx, []string{filesStore}, func(tx *browserdb.Tx) error {
		b, err := tx.Get(filesStore, key)
		if err != nil && !errors.Is(err, browserdb.ErrNotFound) {
			return err
		}
		if len(b) == 8 {
			epoch = binary.BigEndian.Uint64(b)
		}
		epoch++
		return tx.Put(filesStore, key, binary.BigEndian.AppendUint64(nil, epoch))
	})
	if err != nil {
		l.Release()
		return nil, fmt.Errorf("take the lock: %w", err)
	}
	f.mu.Lock()
	f.epochKey, f.epoch, f.lost = key, epoch, false
	f.mu.Unlock()
	bl := &browserLock{lock: l, stop: make(chan struct{})}
	go func() {
		select {
		case <-l.Lost():
			f.setLost()
			if onLost != nil {
				onLost()
			}
		case <-bl.stop:
		}
	}()
	return bl, nil
}
