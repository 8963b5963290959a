//go:build !js

package llm

import (
	"net"
	"net/http"
	"time"
)

// newTransport returns the default transport with a connect timeout.
func newTransport(connect time.Duration) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connect
	return t
}
