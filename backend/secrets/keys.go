package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

// Service is the keychain service name every key is stored under; the
// account is the provider id.
const Service = "murmur"

// DefaultTimeout bounds every keychain call.
const DefaultTimeout = 3 * time.Second

// DefaultRetryAfter is how long Get and Status trust a keychain failure
// before trying the keychain again. Set always tries again.
const DefaultRetryAfter = time.Minute

// Source says where a provider's key comes from.
type Source string

// The sources, in the order they are consulted.
const (
	SourceEnv      Source = "env"      // an environment variable
	SourceSession  Source = "session"  // set during this session, kept in memory only
	SourceKeychain Source = "keychain" // the OS keychain
	SourceNone     Source = "none"     // no key
)

// Status describes a provider's key without revealing it. It is safe to
// show in the UI.
type Status struct {
	// Set is true when a key is available.
	Set bool `json:"set"`
	// Source is where the key comes from.
	Source Source `json:"source"`
	// EnvVar names the environment variable when Source is SourceEnv.
	EnvVar string `json:"envVar,omitempty"`
	// Hint is the last four characters of the key, or "" when the key is
	// too short (under 12 characters) to show any of it safely.
	Hint string `json:"hint,omitempty"`
	// SessionOnly is true when the keychain cannot be used, so that a key
	// set now is kept only until the app quits.
	SessionOnly bool `json:"sessionOnly"`
	// Reason says why the keychain cannot be used when SessionOnly is true.
	Reason string `json:"reason,omitempty"`
}

// Keys gives access to the API keys of all providers. It is safe for
// concurrent use. The zero value is not usable; call New.
type Keys struct {
	backend    Backend
	lookupEnv  func(string) (string, bool)
	timeout    time.Duration
	retryAfter time.Duration
	now        func() time.Time
	goos       string

	// sem serialises keychain calls; a call stuck in a prompt holds it, and
	// the calls behind it time out instead of piling up.
	sem chan struct{}

	mu           sync.Mutex
	session      map[string]string // provider id -> key, kept for this session only
	downReason   string            // why the keychain failed last
	downSince    time.Time
	keychainDown bool
}

// Option configures Keys.
type Option func(*Keys)

// WithBackend replaces the OS keychain (tests use fakes; the web build uses
// SessionOnly).
func WithBackend(b Backend) Option { return func(k *Keys) { k.backend = b } }

// WithLookupEnv replaces os.LookupEnv for the environment sources.
func WithLookupEnv(f func(string) (string, bool)) Option {
	return func(k *Keys) { k.lookupEnv = f }
}

// WithTimeout sets the bound on each keychain call (DefaultTimeout if d <= 0).
func WithTimeout(d time.Duration) Option { return func(k *Keys) { k.timeout = d } }

// WithRetryAfter sets how long a keychain failure is trusted by Get and
// Status before the keychain is tried again.
func WithRetryAfter(d time.Duration) Option { return func(k *Keys) { k.retryAfter = d } }

// WithClock replaces time.Now.
func WithClock(now func() time.Time) Option { return func(k *Keys) { k.now = now } }

// WithPlatform sets the operating system whose keychain size limits apply
// (runtime.GOOS by default).
func WithPlatform(goos string) Option { return func(k *Keys) { k.goos = goos } }

// New returns Keys backed by the OS keychain unless an option says otherwise.
func New(opts ...Option) *Keys {
	k := &Keys{
		lookupEnv:  os.LookupEnv,
		timeout:    DefaultTimeout,
		retryAfter: DefaultRetryAfter,
		now:        time.Now,
		goos:       runtime.GOOS,
		sem:        make(chan struct{}, 1),
		session:    make(map[string]string),
	}
	for _, o := range opts {
		o(k)
	}
	if k.backend == nil {
		k.backend = defaultBackend()
	}
	if k.timeout <= 0 {
		k.timeout = DefaultTimeout
	}
	return k
}

// Set stores the key of a provider in the keychain. When the keychain cannot
// be used the key is kept for this session only and Set returns nil; Status
// then reports SessionOnly with the reason. Surrounding white space is
// trimmed. Set fails for an empty or malformed key, a key the platform's
// keychain cannot hold, an invalid provider id, or a cancelled ctx.
func (k *Keys) Set(ctx context.Context, providerID, key string) error {
	if err := checkProviderID(providerID); err != nil {
		return fmt.Errorf("save API key: %w", err)
	}
	key, err := cleanKey(key)
	if err != nil {
		return fmt.Errorf("save API key for %q: %w", providerID, err)
	}
	if err := checkSize(k.goos, Service, providerID, key); err != nil {
		return fmt.Errorf("save API key for %q: %w", providerID, err)
	}
	err = k.call(ctx, func() error { return k.backend.Set(Service, providerID, key) })
	switch {
	case err == nil:
		k.mu.Lock()
		delete(k.session, providerID)
		k.mu.Unlock()
		k.markUp()
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("save API key for %q: %w", providerID, ctx.Err())
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("save API key for %q: %w", providerID, &TooLargeError{Size: len(key), Platform: k.goos})
	}
	k.markDown(err)
	k.mu.Lock()
	k.session[providerID] = key
	k.mu.Unlock()
	return nil
}

// FromEnv reports the environment variable that supplies providerID's key,
// if one does. It never asks the keychain.
func (k *Keys) FromEnv(providerID string) (name string, ok bool) {
	_, name, ok = k.fromEnv(providerID)
	return name, ok
}

// Get returns the key of a provider for Go code that sends requests. It must
// never be exposed to the UI. The error matches ErrNotFound when there is no
// key, and ErrNoKeychain when only the keychain could have held one and it
// cannot be used.
func (k *Keys) Get(ctx context.Context, providerID string) (string, error) {
	if err := checkProviderID(providerID); err != nil {
		return "", fmt.Errorf("read API key: %w", err)
	}
	if v, _, ok := k.fromEnv(providerID); ok {
		return v, nil
	}
	k.mu.Lock()
	v, ok := k.session[providerID]
	k.mu.Unlock()
	if ok {
		return v, nil
	}
	if reason, down := k.down(); down {
		return "", fmt.Errorf("read API key for %q: %w", providerID, &unavailableError{reason: reason})
	}
	v, err := k.getKeychain(ctx, providerID)
	if err != nil {
		return "", fmt.Errorf("read API key for %q: %w", providerID, err)
	}
	return v, nil
}

// getKeychain reads the keychain and records whether it works.
func (k *Keys) getKeychain(ctx context.Context, providerID string) (string, error) {
	var v string
	err := k.call(ctx, func() error {
		var err error
		v, err = k.backend.Get(Service, providerID)
		return err
	})
	switch {
	case err == nil:
		k.markUp()
		return v, nil
	case ctx.Err() != nil:
		return "", ctx.Err()
	case errors.Is(err, ErrNotFound):
		k.markUp()
		return "", ErrNotFound
	}
	reason := k.markDown(err)
	return "", &unavailableError{reason: reason}
}

// Delete removes the key of a provider from the session and the keychain.
// A key that was not there is not an error, nor is a keychain that does not
// exist. It fails when a keychain exists but cannot be reached (locked,
// timed out), since the key may still be in it. A key in the environment
// cannot be deleted and stays in effect.
func (k *Keys) Delete(ctx context.Context, providerID string) error {
	if err := checkProviderID(providerID); err != nil {
		return fmt.Errorf("delete API key: %w", err)
	}
	k.mu.Lock()
	delete(k.session, providerID)
	k.mu.Unlock()
	err := k.call(ctx, func() error { return k.backend.Delete(Service, providerID) })
	switch {
	case err == nil, errors.Is(err, ErrNotFound):
		k.markUp()
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("delete API key for %q: %w", providerID, ctx.Err())
	}
	reason := k.markDown(err)
	if errors.Is(err, ErrNoKeychain) || reason == reasonNoService || reason == reasonNoBus {
		// There is no keychain on this system, so it holds no key.
		return nil
	}
	return fmt.Errorf("delete API key for %q: %w", providerID, &unavailableError{reason: reason})
}

// Status says whether a provider has a key and where it comes from, with a
// hint but never the key.
func (k *Keys) Status(ctx context.Context, providerID string) Status {
	if err := checkProviderID(providerID); err != nil {
		return Status{Source: SourceNone, Reason: err.Error()}
	}
	if v, name, ok := k.fromEnv(providerID); ok {
		st := Status{Set: true, Source: SourceEnv, EnvVar: name, Hint: hint(v)}
		st.Reason, st.SessionOnly = k.down()
		return st
	}
	k.mu.Lock()
	v, ok := k.session[providerID]
	last := k.downReason
	k.mu.Unlock()
	if ok {
		// The key is in memory because the keychain failed when it was
		// set; say why even if the keychain may be retried by now.
		return Status{Set: true, Source: SourceSession, Hint: hint(v), SessionOnly: true, Reason: last}
	}
	reason, down := k.down()
	if down {
		return Status{Source: SourceNone, SessionOnly: true, Reason: reason}
	}
	v, err := k.getKeychain(ctx, providerID)
	switch {
	case err == nil:
		return Status{Set: true, Source: SourceKeychain, Hint: hint(v)}
	case errors.Is(err, ErrNotFound):
		return Status{Source: SourceNone}
	case ctx.Err() != nil:
		return Status{Source: SourceNone, Reason: "the request was cancelled before the keychain answered"}
	}
	reason, _ = k.down()
	return Status{Source: SourceNone, SessionOnly: true, Reason: reason}
}

// call runs f under the keychain timeout, one call at a time. If f does not
// return in time, call returns a timeout error and f finishes in the
// background.
func (k *Keys) call(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	select {
	case k.sem <- struct{}{}:
	case <-tctx.Done():
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &timeoutError{after: k.timeout}
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-k.sem }()
		done <- f()
	}()
	select {
	case err := <-done:
		return err
	case <-tctx.Done():
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &timeoutError{after: k.timeout}
	}
}

// markDown records a keychain failure and returns its readable reason.
func (k *Keys) markDown(err error) string {
	reason := unavailableReason(err)
	k.mu.Lock()
	k.keychainDown, k.downReason, k.downSince = true, reason, k.now()
	k.mu.Unlock()
	return reason
}

// markUp records that the keychain answered. The last failure's reason is
// kept for the keys still held in memory because of it.
func (k *Keys) markUp() {
	k.mu.Lock()
	k.keychainDown = false
	k.mu.Unlock()
}

// down reports a recent keychain failure that is still trusted.
func (k *Keys) down() (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.keychainDown {
		return "", false
	}
	if k.retryAfter > 0 && k.now().Sub(k.downSince) >= k.retryAfter {
		return "", false
	}
	return k.downReason, true
}

// hint returns the last four characters of a key of at least 12 characters.
func hint(key string) string {
	r := []rune(key)
	if len(r) < 12 {
		return ""
	}
	return string(r[len(r)-4:])
}
