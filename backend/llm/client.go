package llm

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// KeySource finds the API key of a provider. It is called when a method is
// given an empty key and the provider's auth style needs one.
type KeySource func(ctx context.Context, p Provider) (string, error)

// Timeouts bound how long the client waits. Zero fields take the defaults.
type Timeouts struct {
	// Connect bounds establishing a connection (default 10 s). It applies
	// only to the client's own transport, not to one given WithHTTPClient.
	Connect time.Duration
	// FirstData bounds the wait from sending a request until the response
	// headers and, for a stream, its first data event (default 10 min:
	// Swarms runs the whole agent before it sends the first byte).
	FirstData time.Duration
	// Idle bounds the silence between two data events once data has
	// started (default 120 s). Keep-alive comments do not count as data.
	Idle time.Duration
}

// RetryPolicy says when a failed request is sent again. Retries happen only
// before any byte of the reply reached the caller.
type RetryPolicy struct {
	// MaxRetries is how many times a request is retried (default 2; use
	// NoRetries for none).
	MaxRetries int
	// BaseDelay is the first backoff delay (default 0.5 s); it doubles each time.
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 8 s).
	MaxDelay time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 60 s). When the
	// server asks for longer, the request is not retried and the *Error
	// carries the full RetryAfter so the user can be told.
	MaxRetryAfter time.Duration
}

// NoRetries is a MaxRetries value that disables retries.
const NoRetries = -1

// Defaults of the network policy.
const (
	DefaultConnectTimeout   = 10 * time.Second
	DefaultFirstDataTimeout = 10 * time.Minute
	DefaultIdleTimeout      = 120 * time.Second
	DefaultMaxRetries       = 2
	DefaultBaseDelay        = 500 * time.Millisecond
	DefaultMaxDelay         = 8 * time.Second
	DefaultMaxRetryAfter    = 60 * time.Second
)

// RetryNotice tells a retry hook that a request is about to be retried.
type RetryNotice struct {
	// Attempt is the number of the retry, from 1.
	Attempt int
	// Wait is how long the client waits before sending again.
	Wait time.Duration
	// Err is the failure that is being retried.
	Err *Error
}

// Client sends chat-completions and model-list requests. It is safe for
// concurrent use.
type Client struct {
	transport transport
	keySource KeySource
	timeouts  Timeouts
	retry     RetryPolicy
	sleep     func(ctx context.Context, d time.Duration) error
	jitter    func() float64
	onRetry   func(RetryNotice)
	userAgent string
	maxBody   int64
}

// Option configures a Client.
type Option func(*Client)

// WithKeySource sets the function that finds a key when none is passed.
func WithKeySource(ks KeySource) Option { return func(c *Client) { c.keySource = ks } }

// WithTimeouts sets the timeouts; zero fields keep their defaults.
func WithTimeouts(t Timeouts) Option { return func(c *Client) { c.timeouts = t } }

// WithRetryPolicy sets the retry policy; zero fields keep their defaults.
func WithRetryPolicy(r RetryPolicy) Option { return func(c *Client) { c.retry = r } }

// WithSleep replaces the backoff wait (tests use it to record delays
// instead of waiting). sleep must return ctx.Err() when ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}

// WithJitter replaces the jitter source, a function returning [0, 1).
func WithJitter(f func() float64) Option { return func(c *Client) { c.jitter = f } }

// WithRetryHook calls f before each retry of every request.
func WithRetryHook(f func(RetryNotice)) Option { return func(c *Client) { c.onRetry = f } }

type retryTraceKey struct{}

// WithRetryTrace returns a context whose requests call f before each retry,
// so that the one request's caller can tell the user "rate limited,
// retrying in 12 s" (like net/http/httptrace, for this client's retries).
func WithRetryTrace(ctx context.Context, f func(RetryNotice)) context.Context {
	return context.WithValue(ctx, retryTraceKey{}, f)
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client with the project's network policy.
func New(opts ...Option) *Client {
	c := &Client{userAgent: "Murmur", maxBody: 64 << 20}
	for _, o := range opts {
		o(c)
	}
	t := &c.timeouts
	if t.Connect <= 0 {
		t.Connect = DefaultConnectTimeout
	}
	if t.FirstData <= 0 {
		t.FirstData = DefaultFirstDataTimeout
	}
	if t.Idle <= 0 {
		t.Idle = DefaultIdleTimeout
	}
	r := &c.retry
	if r.MaxRetries == 0 {
		r.MaxRetries = DefaultMaxRetries
	} else if r.MaxRetries < 0 {
		r.MaxRetries = 0
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = DefaultBaseDelay
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = DefaultMaxDelay
	}
	if r.MaxRetryAfter <= 0 {
		r.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.jitter == nil {
		c.jitter = rand.Float64
	}
	if c.transport == nil {
		c.transport = defaultTransport(t.Connect)
	}
	return c
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// canonicalHeader returns a header name in its canonical form
// ("x-api-key" → "X-Api-Key"), so that a provider's extra header and the
// client's own of the same name are one field.
func canonicalHeader(name string) string {
	b := []byte(name)
	upper := true
	for i, c := range b {
		switch {
		case upper && 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case !upper && 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return string(b)
}

// resolveKey returns the key to send, asking the key source when needed.
func (c *Client) resolveKey(ctx context.Context, p Provider, key string) (string, error) {
	if p.authStyle() == AuthNone || key != "" {
		return key, nil
	}
	if c.keySource == nil {
		return "", &Error{Kind: KindAuth, Message: fmt.Sprintf("no API key is set for %s", providerName(p))}
	}
	k, err := c.keySource(ctx, p)
	if err != nil {
		return "", &Error{Kind: KindAuth, Message: redact(fmt.Sprintf("could not read the API key for %s: %v", providerName(p), err), k), Err: err}
	}
	if k == "" {
		return "", &Error{Kind: KindAuth, Message: fmt.Sprintf("no API key is set for %s", providerName(p))}
	}
	return k, nil
}

func providerName(p Provider) string {
	if p.ID != "" {
		return p.ID
	}
	if u, err := ParseBaseURL(p.BaseURL); err == nil {
		return u.Host
	}
	return "this provider"
}

// call is one request in flight, after its headers arrived.
type call struct {
	resp   *response
	rctx   context.Context // the request's, cancelled with its cause
	cancel context.CancelCauseFunc
	wd     *watchdog
	key    string
}

func (cl *call) close() {
	cl.wd.stop()
	cl.resp.Body.Close()
	cl.cancel(nil)
}

// send sends a request, retrying per the policy, and returns the call once a
// 2xx response's headers arrived.
func (c *Client) send(ctx context.Context, p Provider, key, method, path string, body []byte, stream bool) (*call, error) {
	u, err := p.endpoint(path)
	if err != nil {
		return nil, &Error{Kind: KindConfig, Message: err.Error()}
	}
	key, err = c.resolveKey(ctx, p, key)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		cl, e := c.attempt(ctx, p, key, method, u.String(), body, stream)
		if e == nil {
			return cl, nil
		}
		if !e.Retryable || attempt >= c.retry.MaxRetries || ctx.Err() != nil {
			return nil, e
		}
		wait, ok := c.retryDelay(attempt, e)
		if !ok {
			return nil, e
		}
		n := RetryNotice{Attempt: attempt + 1, Wait: wait, Err: e}
		if c.onRetry != nil {
			c.onRetry(n)
		}
		if f, ok := ctx.Value(retryTraceKey{}).(func(RetryNotice)); ok {
			f(n)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, canceledError(ctx, err)
		}
	}
}

func (c *Client) attempt(ctx context.Context, p Provider, key, method, u string, body []byte, stream bool) (*call, *Error) {
	if err := ctx.Err(); err != nil {
		return nil, canceledError(ctx, err)
	}
	rctx, cancel := context.WithCancelCause(ctx)
	req := &request{method: method, url: u, body: body, header: make(map[string]string, len(p.Headers)+4)}
	for k, v := range p.Headers {
		req.header[canonicalHeader(k)] = v
	}
	if body != nil {
		req.header["Content-Type"] = "application/json"
	}
	if stream {
		req.header["Accept"] = "text/event-stream"
	} else {
		req.header["Accept"] = "application/json"
	}
	if c.userAgent != "" {
		req.header["User-Agent"] = c.userAgent
	}
	switch p.authStyle() {
	case AuthXAPIKey:
		req.header["X-Api-Key"] = key
	case AuthBearer:
		req.header["Authorization"] = "Bearer " + key
	}
	wd := startWatchdog(cancel, c.timeouts.FirstData, c.timeouts.Idle)
	resp, err := c.transport.roundTrip(rctx, req)
	if err != nil {
		wd.stop()
		cause := context.Cause(rctx)
		cancel(nil)
		return nil, transportError(ctx, cause, err, key, false)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The error body is read under the idle timeout.
		wd.dataArrived()
		b, _ := io.ReadAll(io.LimitReader(&activityReader{r: resp.Body, wd: wd}, 1<<20))
		wd.stop()
		resp.Body.Close()
		cancel(nil)
		return nil, statusError(resp, b, key)
	}
	return &call{resp: resp, rctx: rctx, cancel: cancel, wd: wd, key: key}, nil
}

// retryDelay returns the wait before retry number attempt+1, or false when
// the server asked for a wait longer than the cap.
func (c *Client) retryDelay(attempt int, e *Error) (time.Duration, bool) {
	if e.RetryAfter > 0 {
		if e.RetryAfter > c.retry.MaxRetryAfter {
			return 0, false
		}
		return e.RetryAfter, true
	}
	d := c.retry.BaseDelay
	for i := 0; i < attempt && d < c.retry.MaxDelay; i++ {
		d *= 2
	}
	if d > c.retry.MaxDelay {
		d = c.retry.MaxDelay
	}
	j := c.jitter()
	if j < 0 || j >= 1 {
		j = 0
	}
	return d - time.Duration(j*0.25*float64(d)), true
}

// readAll reads a whole response body under the idle timeout.
func (cl *call) readAll(limit int64) ([]byte, error) {
	cl.wd.dataArrived()
	b, err := io.ReadAll(io.LimitReader(&activityReader{r: cl.resp.Body, wd: cl.wd}, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &Error{Kind: KindBadResponse, Status: cl.resp.StatusCode, RequestID: requestID(cl.resp.Header),
			Message: fmt.Sprintf("the server's reply is larger than %d MiB", limit>>20)}
	}
	return b, nil
}

// activityReader tells the watchdog about every read that returned data.
type activityReader struct {
	r  io.Reader
	wd *watchdog
}

func (a *activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.wd.dataArrived()
	}
	return n, err
}
