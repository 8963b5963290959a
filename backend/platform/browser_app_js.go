//go:build js && wasm && !widget

package platform

import (
	"context"
	"log/slog"

	"murmur/backend/browserdb"
	"murmur/backend/secrets"
	"murmur/backend/settings"
)

// appSettings opens the web app's settings and keys, kept in db: the
// settings document, and keys only when the user chose to remember them.
// A first start served by `murmur serve` begins with that server as its
// provider.
func appSettings(ctx context.Context, b Browser, db *browserdb.DB, log *slog.Logger) (*settings.Live, *secrets.Keys, error) {
	kv := dbKV{db: db}
	live, err := settings.OpenLive(ctx, settings.Stored{KV: kv, Key: settings.FileName})
	if err != nil {
		return nil, nil, err
	}
	if b.Server != "" && live.Report().Missing {
		if _, err := live.Update(ctx, func(s *settings.Settings) error { return AddServer(s, b.Server, b.ServerModels) }); err != nil {
			log.Warn("the server's provider could not be added", "err", err)
		}
	}
	vault, err := secrets.OpenVault(ctx, kv)
	if err != nil {
		return nil, nil, err
	}
	return live, secrets.New(secrets.WithBackend(vault)), nil
}
