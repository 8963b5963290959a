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
}

// Close closes the store (releasing its lock).
func (s *Services) Close() error { return s.Store.Close() }
