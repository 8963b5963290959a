//go:build js

package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"syscall/js"

	"murmur/backend/jspromise"
	"time"
)

// defaultTransport returns the page's fetch. The browser owns connecting,
// so the connect timeout is left to it.
func defaultTransport(time.Duration) transport { return fetchTransport{} }

// fetchTransport sends through the browser's fetch. The body is read chunk
// by chunk from the response's ReadableStream, so a stream's events arrive
// as they are sent; cancelling the context aborts the fetch.
type fetchTransport struct{}

func (fetchTransport) roundTrip(ctx context.Context, r *request) (*response, error) {
	global := js.Global()
	if global.Get("fetch").Type() != js.TypeFunction {
		return nil, permanent("this browser has no fetch")
	}
	abort := global.Get("AbortController").New()
	headers := global.Get("Headers").New()
	for k, v := range r.header {
		if k == "User-Agent" {
			continue // the browser sends its own
		}
		headers.Call("set", k, v)
	}
	init := map[string]any{
		"method":  r.method,
		"headers": headers,
		"signal":  abort.Get("signal"),
		// A redirect is not followed: the browser would send the key on
		// to wherever it points (it drops only Authorization).
		"redirect":       "manual",
		"credentials":    "omit",
		"cache":          "no-store",
		"mode":           "cors",
		"referrerPolicy": "no-referrer",
	}
	if r.body != nil {
		b := global.Get("Uint8Array").New(len(r.body))
		js.CopyBytesToJS(b, r.body)
		init["body"] = b
	}
	res, err := jspromise.Await(ctx, global.Call("fetch", r.url, init), abortFn(abort))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, explainRefusal(ctx, r.url, err)
	}
	if t := res.Get("type").String(); t == "opaqueredirect" {
		abort.Call("abort")
		return nil, permanent("the server answered with a redirect; the browser version does not follow redirects (they could take the key elsewhere): use the address it redirects to as the base URL")
	}
	h := header{}
	each := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) >= 2 {
			h[strings.ToLower(args[1].String())] = args[0].String()
		}
		return nil
	})
	res.Get("headers").Call("forEach", each) // synchronous
	each.Release()
	body := io.ReadCloser(io.NopCloser(strings.NewReader("")))
	if b := res.Get("body"); b.Truthy() {
		body = &fetchBody{ctx: ctx, reader: b.Call("getReader"), abort: abort}
	}
	return &response{StatusCode: res.Get("status").Int(), Header: h, Body: body}, nil
}

// fetchBody reads a response's ReadableStream.
type fetchBody struct {
	ctx    context.Context
	reader js.Value
	abort  js.Value
	buf    []byte // holds one chunk, reused for the next
	rest   []byte // what Read has not handed out of buf
	err    error
}

func (b *fetchBody) Read(p []byte) (int, error) {
	for len(b.rest) == 0 {
		if b.err != nil {
			return 0, b.err
		}
		chunk, err := jspromise.Await(b.ctx, b.reader.Call("read"), abortFn(b.abort))
		if err != nil {
			if b.ctx.Err() != nil {
				err = b.ctx.Err()
			}
			b.err = err
			return 0, err
		}
		if chunk.Get("done").Bool() {
			b.err = io.EOF
			return 0, io.EOF
		}
		v := chunk.Get("value")
		n := v.Get("byteLength").Int()
		if cap(b.buf) < n {
			b.buf = make([]byte, n)
		}
		b.rest = b.buf[:n] // the last chunk is all read: its buffer is free
		js.CopyBytesToGo(b.rest, v)
	}
	n := copy(p, b.rest)
	b.rest = b.rest[n:]
	return n, nil
}

func (b *fetchBody) Close() error {
	if b.err == nil {
		b.err = errors.New("the reply was closed")
	}
	b.abort.Call("abort")
	return nil
}

// explainRefusal turns the browser's opaque "Failed to fetch" into words.
// The browser does not say why; a request the page may always make (no-cors,
// no headers) tells an endpoint that answers but refuses this origin from
// one that cannot be reached at all.
func explainRefusal(ctx context.Context, target string, err error) error {
	u, perr := url.Parse(target)
	if perr != nil {
		return err
	}
	origin := js.Global().Get("location").Get("origin").String()
	if strings.HasPrefix(origin, "https:") && u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return permanent(fmt.Sprintf("this page is served over https and %s uses plain http, which the browser blocks; use an https address", u.Host))
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	abort := js.Global().Get("AbortController").New()
	_, probeErr := jspromise.Await(pctx, js.Global().Call("fetch", target, map[string]any{
		"method": "HEAD", "mode": "no-cors", "credentials": "omit", "cache": "no-store",
		"referrerPolicy": "no-referrer", "signal": abort.Get("signal"),
	}), abortFn(abort))
	if probeErr == nil {
		return permanent(fmt.Sprintf("%s does not accept requests from this page (%s): the browser blocked its reply (CORS). "+
			"If it is a `murmur serve`, start it with --allow-origin %s; otherwise serve Murmur through `murmur serve`, which adds the key on your server, or allow this origin on the endpoint",
			u.Host, origin, origin))
	}
	return fmt.Errorf("%s did not answer (%v); check the address and the connection", u.Host, err)
}

func abortFn(controller js.Value) func() { return func() { controller.Call("abort") } }
