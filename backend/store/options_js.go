//go:build js && wasm

package store

import "murmur/backend/browserdb"

// WithBrowserDB keeps the store in db (IndexedDB) instead of files: Open's
// dir names a folder inside it, so several stores can share a database, and
// each database (one per embedded widget) is a world of its own. A write is
// atomic as on the desktop (closing the tab mid-write leaves the previous
// version); a full quota fails it with ErrDiskFull, in the browser's words,
// the previous version intact.
//
// The store's lock is a Web Lock: while a Store is open on dir, another tab
// (or another Open in this one) gets ErrLocked saying that Murmur is open in
// another tab, unless it takes over with WithStealLock. The list rows and
// search texts are kept in db too, so Open reads only the conversations that
// changed since the last time.
func WithBrowserDB(db *browserdb.DB) Option {
	return func(o *options) { o.fs = newIDBFS(db) }
}

// WithStealLock makes Open take the store's lock from the tab that holds it
// (with WithBrowserDB). That tab's writes fail from then on with ErrLocked
// ("Murmur was opened in another tab …") and its WithOnLockLost function is
// called.
func WithStealLock() Option { return func(o *options) { o.stealLock = true } }

// WithOnLockLost calls fn (in a goroutine of its own) when another tab took
// the store's lock with WithStealLock. The store then refuses every write;
// reads still work but no longer see that tab's changes. Close it, and tell
// the user that Murmur moved to the other tab.
func WithOnLockLost(fn func()) Option { return func(o *options) { o.onLockLost = fn } }
