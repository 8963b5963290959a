//go:build js

package llm

import (
	"net/http"
	"time"
)

// newTransport returns the browser fetch transport. Setting a dialer would
// disable fetch, so the connect timeout is left to the browser.
func newTransport(time.Duration) http.RoundTripper {
	return http.DefaultTransport
}
