// Package conversation holds the document schema of one conversation: its
// messages as a tree (regenerated replies and edited prompts are kept as
// alternatives), the current path through that tree, and the validation every
// reader of untrusted documents (the store at open, the importers) applies.
//
// The JSON form of Conversation is the on-disk format of backend/store and the
// JSON export format of backend/transfer. Unknown fields survive a
// read-modify-write round trip.
package conversation
