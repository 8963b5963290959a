// Package settings holds Murmur's settings: the providers (endpoints, auth
// style, non-secret headers and body fields, cached model lists), the
// defaults for new conversations and the appearance. They live in one JSON
// file, $XDG_CONFIG_HOME/murmur/settings.json.
//
// The file is versioned and written atomically with mode 0600. Fields this
// version does not know survive a load-save round trip; files written by an
// older version are backed up and migrated; a file that does not parse is
// kept aside as settings.json.corrupt-<time> and defaults load instead.
//
// No secret is ever stored here: there is no field for a key, and validation
// refuses auth headers, credentials in URLs and key-like body fields, with a
// message that says keys belong in the keychain (backend/secrets).
package settings
