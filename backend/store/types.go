package store

import (
	"errors"
	"time"
)

// Errors returned by the Store. They are matched with errors.Is; the error
// text always says which conversation and what was being done.
var (
	// ErrNotFound: no conversation (or message) with that id.
	ErrNotFound = errors.New("not found")
	// ErrInvalidID: the id is not a Murmur conversation id.
	ErrInvalidID = errors.New("not a conversation id")
	// ErrLocked: another Murmur process has the data folder open.
	ErrLocked = errors.New("another Murmur is using the data folder")
	// ErrCorrupt: a conversation file did not parse; it was moved to quarantine.
	ErrCorrupt = errors.New("conversation file is damaged")
	// ErrNewerVersion: the file was written by a newer Murmur. It is left
	// as it is: not listed, not quarantined, never overwritten.
	ErrNewerVersion = errors.New("conversation file is from a newer Murmur")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("store is closed")
	// ErrDiskFull, ErrReadOnly and ErrPermission classify a failed write.
	// The previous version of the file is intact whenever one is returned.
	ErrDiskFull   = errors.New("the disk is full")
	ErrReadOnly   = errors.New("the data folder is read-only")
	ErrPermission = errors.New("permission denied")
)

// Archived selects conversations by their archived flag.
type Archived int

// The archive filters. The zero value lists only conversations that are not archived.
const (
	ArchivedExclude Archived = iota // only conversations not archived
	ArchivedOnly                    // only archived conversations
	ArchivedInclude                 // both
)

// DefaultLimit is the page size used when a query asks for 0 items; MaxLimit caps it.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ListQuery selects one page of the conversation list: pinned first, then
// the most recently updated.
type ListQuery struct {
	Archived Archived
	Offset   int
	Limit    int // 0 means DefaultLimit
}

// SearchQuery selects one page of full-text search results, best first.
// Text is what the user typed: every word is matched as a prefix,
// case- and diacritics-insensitively, all words must occur in one message
// (or the title). Quotes and operators are taken literally.
type SearchQuery struct {
	Text     string
	Archived Archived
	Offset   int
	Limit    int // 0 means DefaultLimit
}

// Page is one page of results.
type Page[T any] struct {
	Items []T
	// Total is the number of results of the whole query.
	Total int
	// More reports whether a further page exists (at Offset+len(Items)).
	More bool
	// Capped is set by a search for very common words: only the most recent
	// few thousand matching messages were considered, so Total is a lower
	// bound and results are in recency order rather than by relevance.
	Capped bool
}

// Summary is one row of the conversation list.
type Summary struct {
	ID           string
	Title        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Pinned       bool
	Archived     bool
	ProviderID   string
	Model        string
	MessageCount int
	// Preview is the start of the last message on the current path (plain text).
	Preview string
}

// Imported is a conversation found by the source it was imported from.
type Imported struct {
	// ID is the conversation's id here.
	ID string
	// SourceUpdated is when the source last changed the conversation, as
	// the export it came from said; zero when it did not say. For a
	// conversation found by its own id (the Murmur source of itself) it is
	// the conversation's UpdatedAt.
	SourceUpdated time.Time
}

// Segment is a piece of a snippet; Match marks the words that matched.
// Render segments as text nodes: the store never returns HTML.
type Segment struct {
	Text  string
	Match bool
}

// Hit is one search result: a conversation and its best-matching message.
type Hit struct {
	Summary
	// MessageID is the message the snippet comes from; "" when the title matched.
	MessageID string
	Snippet   []Segment
}

// Quarantined is a file moved out of the way because it could not be read.
type Quarantined struct {
	File    string // the original file name, e.g. "<id>.json"
	MovedTo string // full path under quarantine/
	Reason  string
}

// OpenReport says what Open found and repaired.
type OpenReport struct {
	Conversations int
	// Quarantined lists the files that did not parse; every other conversation loaded.
	Quarantined []Quarantined
	// Recovered lists conversations whose streaming messages became interrupted.
	Recovered []string
	// Newer lists the files (ids) written by a newer Murmur, left untouched.
	Newer []string
	// Reindexed counts the files (re)read into the index because they were
	// new or changed; Removed counts index rows whose file was gone.
	Reindexed int
	Removed   int
	// Rebuilt is true when the index was created from scratch.
	Rebuilt bool
	// IndexError is set when the index is unavailable and the store works
	// from the files alone (lists and search still work, only slower).
	IndexError string
}
