package secrets

import "sync"

// MemoryBackend is a keychain held in memory: the fake other packages test
// with, and a store for keys that are to last as long as the process.
type MemoryBackend struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemoryBackend returns an empty MemoryBackend.
func NewMemoryBackend() *MemoryBackend { return &MemoryBackend{m: make(map[string]string)} }

// Get returns the secret of service/account or an error matching ErrNotFound.
func (b *MemoryBackend) Get(service, account string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[service+"/"+account]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set stores the secret of service/account.
func (b *MemoryBackend) Set(service, account, secret string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[service+"/"+account] = secret
	return nil
}

// Delete removes the secret of service/account or returns an error matching
// ErrNotFound.
func (b *MemoryBackend) Delete(service, account string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.m[service+"/"+account]; !ok {
		return ErrNotFound
	}
	delete(b.m, service+"/"+account)
	return nil
}

// Len is the number of secrets held.
func (b *MemoryBackend) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}
