//go:build !js

package llm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// WithHTTPClient makes the client send through hc (its Timeout is ignored:
// a stream has no total time cap; its redirect policy is kept, and the key
// is additionally removed on a redirect to another origin). Native builds
// only: the browser build always sends through fetch.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.transport = newHTTPTransport(hc) }
}

// defaultTransport returns the default transport with a connect timeout.
func defaultTransport(connect time.Duration) transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connect
	return newHTTPTransport(&http.Client{Transport: t})
}

// httpTransport sends through a net/http client.
type httpTransport struct{ hc *http.Client }

func newHTTPTransport(base *http.Client) httpTransport {
	hc := *base
	hc.Timeout = 0
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if !sameOrigin(req.URL, via[0].URL) {
			// Another origin gets no credentials: neither the auth headers
			// nor the provider's own extra headers, which may carry tokens.
			for name := range req.Header {
				if !redirectSafeHeaders[http.CanonicalHeaderKey(name)] {
					req.Header.Del(name)
				}
			}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return httpTransport{hc: &hc}
}

func (t httpTransport) roundTrip(ctx context.Context, r *request) (*response, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, err
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return nil, err
	}
	h := make(header, len(resp.Header))
	for k, vs := range resp.Header {
		if len(vs) > 0 {
			h[strings.ToLower(k)] = vs[0]
		}
	}
	return &response{StatusCode: resp.StatusCode, Header: h, Body: resp.Body}, nil
}

// redirectSafeHeaders are the only request headers sent on to another origin
// after a redirect.
var redirectSafeHeaders = map[string]bool{
	"Accept": true, "Accept-Encoding": true, "Content-Type": true, "User-Agent": true,
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(hostPort(a), hostPort(b))
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return u.Hostname() + ":" + port
}
