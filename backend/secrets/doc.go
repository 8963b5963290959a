// Package secrets keeps one API key per provider.
//
// Keys come, in this order, from the environment (SWARMS_API_KEY for the
// Swarms provider, MURMUR_API_KEY_<PROVIDER_ID> for any provider), from keys
// set during this session when no keychain could be used, and from the OS
// keychain (service "murmur", account = provider id) through
// github.com/zalando/go-keyring.
//
// Every keychain call runs under a timeout (3 s by default), so an unlock
// prompt nobody answers cannot hang the app. When there is no usable keychain
// (no Secret Service, a locked collection with no prompt, WSL, a sandbox, the
// web build) a key that is set is kept in memory for this session only and
// Status says so with the reason. Nothing is ever written to disk by this
// package except through the keychain.
//
// A key belongs to one provider origin: ForgetMoved deletes the keys of
// providers whose base-URL origin changed or that were removed.
//
// Keys never appear in errors, Status or logs; Status carries only a hint
// (the last four characters of a long enough key).
package secrets
