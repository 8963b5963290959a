package secrets

import (
	"sync"
	"time"
)

// fakeBackend is an in-memory keychain whose failures and delays tests set.
type fakeBackend struct {
	mu      sync.Mutex
	items   map[string]string // service + "/" + account -> secret
	err     error             // returned by every call when set
	block   chan struct{}     // when set, calls wait for it to close
	calls   int
	setSize int // when > 0, Set refuses secrets longer than this with ErrTooLarge
}

func newFake() *fakeBackend { return &fakeBackend{items: make(map[string]string)} }

func (f *fakeBackend) enter() error {
	f.mu.Lock()
	f.calls++
	block, err := f.block, f.err
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	return err
}

func (f *fakeBackend) Get(service, account string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[service+"/"+account]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *fakeBackend) Set(service, account, secret string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setSize > 0 && len(secret) > f.setSize {
		return ErrTooLarge
	}
	f.items[service+"/"+account] = secret
	return nil
}

func (f *fakeBackend) Delete(service, account string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[service+"/"+account]; !ok {
		return ErrNotFound
	}
	delete(f.items, service+"/"+account)
	return nil
}

func (f *fakeBackend) setErr(err error) {
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
}

func (f *fakeBackend) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeBackend) stored(account string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[Service+"/"+account]
	return v, ok
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// noEnv is an empty environment.
func noEnv(string) (string, bool) { return "", false }

// env returns a lookup over a fixed map.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}
