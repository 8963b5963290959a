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
// and modification time (unchanged files are not read). If the index cannot
// be opened or written, the Store keeps working from the files and says so in
// Health; no conversation is ever hidden by an index failure.
//
// A Store is safe for concurrent use by many goroutines.
package store
