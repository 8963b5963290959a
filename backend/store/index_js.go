//go:build js

package store

import (
	"context"
	"errors"
	"os"

	"murmur/backend/conversation"
)

// The browser has no SQLite: the web build keeps the list and search in the
// files-only catalog (memCatalog), which the store already falls back to
// whenever the index is unusable. openIndex always says so, so no sqlIndex
// is ever made and its methods below are never reached.

var errNoIndex = errors.New("the web build has no SQLite index; the list and search use the conversation files")

type sqlIndex struct{ path string }

func (s *Store) openIndex(ctx context.Context) (*sqlIndex, bool, error) {
	return nil, false, errNoIndex
}

func (s *Store) reconcile(ctx context.Context, ix *sqlIndex, entries []os.DirEntry, fresh bool) error {
	return errNoIndex
}

func isCorrupt(error) bool { return false }

func removeIndexFiles(string) error { return nil }

func (*sqlIndex) list(context.Context, ListQuery) (Page[Summary], error) {
	return Page[Summary]{}, errNoIndex
}
func (*sqlIndex) search(context.Context, SearchQuery) (Page[Hit], error) {
	return Page[Hit]{}, errNoIndex
}
func (*sqlIndex) put(context.Context, *conversation.Conversation, fileStat) error { return errNoIndex }
func (*sqlIndex) putMessage(context.Context, *conversation.Conversation, string, fileStat) error {
	return errNoIndex
}
func (*sqlIndex) remove(context.Context, string) error { return errNoIndex }
func (*sqlIndex) close() error                         { return nil }

func (*sqlIndex) streamingIDs(context.Context) ([]string, error) { return nil, errNoIndex }

func (*sqlIndex) findSource(context.Context, string, string) (Imported, bool, error) {
	return Imported{}, false, errNoIndex
}

func (*sqlIndex) attachmentsInUse(context.Context) (map[string]bool, error) { return nil, errNoIndex }
