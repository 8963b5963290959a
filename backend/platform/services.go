package platform

import (
	"log/slog"

	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// Services are what the facade is built from.
type Services struct {
	Store    *store.Store
	Settings *settings.Live
	Keys     *secrets.Keys
	Client   *llm.Client
	Log      *slog.Logger

	// after close what the store was opened on (the browser's database).
	after []func() error
}

// Close closes the store (releasing its lock), then what it was kept in.
func (s *Services) Close() error {
	err := s.Store.Close()
	for _, c := range s.after {
		c()
	}
	return err
}
