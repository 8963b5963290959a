package llm

import (
	"context"
	"io"
	"strings"
)

// request is one HTTP request as the client sends it.
type request struct {
	method, url string
	// header holds the request's fields by canonical name.
	header map[string]string
	body   []byte
}

// response is what a transport returns once the response headers arrived.
type response struct {
	StatusCode int
	Header     header
	Body       io.ReadCloser
}

// header holds a response's fields by lower-case name, the first value of
// each (the client reads single-valued fields only).
type header map[string]string

// Get returns the field named name, in any case, or "".
func (h header) Get(name string) string { return h[strings.ToLower(name)] }

// transport sends one request and returns when its response headers
// arrived. Cancelling ctx aborts the request, its body included. The native
// build sends through net/http (transport_other.go); the browser build
// through the page's fetch (transport_js.go), which keeps net/http and its
// TLS stack out of the WebAssembly module.
type transport interface {
	roundTrip(ctx context.Context, r *request) (*response, error)
}

// permanentError is a transport failure that sending again cannot fix (a
// browser refusing an origin, a redirect it will not follow).
type permanentError struct{ msg string }

func (e *permanentError) Error() string { return e.msg }

func permanent(msg string) error { return &permanentError{msg: msg} }
