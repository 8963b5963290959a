package secrets

import "errors"

// Backend is a keychain. Its calls may block (an unlock prompt, a slow D-Bus),
// so Keys runs each of them under a timeout; a Backend need not honour one.
//
// Get returns an error matching ErrNotFound when there is no secret for the
// account; Delete returns one when there was nothing to delete. Set returns
// an error matching ErrTooLarge when the keychain refuses the size.
type Backend interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// ErrNotFound reports that no key is stored for a provider.
var ErrNotFound = errors.New("no API key is stored for this provider")

// ErrTooLarge reports a key larger than the keychain can hold.
var ErrTooLarge = errors.New("the key is too large for the keychain")

// ErrNoKeychain reports that no usable keychain is available; the error's
// text says why.
var ErrNoKeychain = errors.New("no usable keychain")

// unavailableBackend answers every call with the same unavailability error.
type unavailableBackend struct{ err error }

// SessionOnly returns a Backend that stores nothing and reports, on every
// call, that no keychain is available for the given reason; with it, every
// key set lives for this session only. The web build uses it.
func SessionOnly(reason string) Backend {
	return unavailableBackend{err: &unavailableError{reason: reason}}
}

func (b unavailableBackend) Get(string, string) (string, error) { return "", b.err }
func (b unavailableBackend) Set(string, string, string) error   { return b.err }
func (b unavailableBackend) Delete(string, string) error        { return b.err }

// unavailableError carries a readable reason why the keychain cannot be used.
type unavailableError struct {
	reason string
	err    error
}

func (e *unavailableError) Error() string { return e.reason }
func (e *unavailableError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrNoKeychain}
	}
	return []error{ErrNoKeychain, e.err}
}
