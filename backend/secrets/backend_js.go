//go:build js

package secrets

// defaultBackend is the keychain New uses when no backend is given: in the
// browser there is none, so keys last for the session only.
func defaultBackend() Backend {
	return SessionOnly("the web version has no keychain: keys are kept until the page is closed")
}
