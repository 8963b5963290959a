// Package store keeps conversations on disk (desktop): one JSON document per
// conversation under <dir>/conversations/<id>.json, written atomically, and a
// rebuildable SQLite FTS5 index at <dir>/index.db for the list and search.
//
// Layout of the data folder (dir is normally DefaultDir()):
//
//	conversations/<id>.json   the documents (schema: backend/conversation)
//	quarantine/               files that did not parse, with a .reason.txt each
//	index.db                  cache of list columns and message text; delete it to rebuild
//	murmur.lock               held while a Store is open; a second process gets ErrLocked
//
// The files are the truth. The index is reconciled with them at Open by size
// and modification time (unchanged files are not read): when the index
// exists, Open returns at once, List and Search answer from the index, and
// the reconciliation runs in the background while Get and every write wait
// for it (Reconciled, OpenReport). A new, rebuilt or stale index is brought
// up to date before Open returns. If the index cannot be opened or written,
// the Store keeps working from the files (list from memory, search by reading
// the files) and says so in Health; no conversation is ever hidden by an
// index failure, and the next Open reconciles before it serves the list.
//
// Every write is an atomic replace (temporary file in the same folder,
// fsync, rename, fsync of the folder). A failed write (disk full, read-only
// folder, permission denied) returns an error matching ErrDiskFull,
// ErrReadOnly or ErrPermission and leaves the previous version intact.
//
// Search takes what the user typed: every word is matched as a prefix,
// ignoring case and diacritics; quotes and operators are not syntax. Hits
// carry snippets as segments with the matching words flagged, never HTML.
//
// In the browser (GOOS=js, WithBrowserDB) the same layout lives in an
// IndexedDB database instead of files: a write is one transaction, so closing
// the tab mid-write leaves the previous version; a full quota fails it with
// ErrDiskFull in the browser's words. The lock is a Web Lock: a second tab
// gets ErrLocked ("Murmur is open in another tab of this browser") unless it
// takes over (WithStealLock), and the tab that loses it is told
// (WithOnLockLost) and can no longer write. The index is kept in the same
// database (list rows, texts and folded texts per conversation, see
// index_js.go) and reconciled with the files as the SQLite one is.
//
// A Store is safe for concurrent use by many goroutines.
package store
