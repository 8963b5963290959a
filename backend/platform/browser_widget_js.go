//go:build js && wasm && widget

package platform

import (
	"context"
	"errors"
	"log/slog"

	"murmur/backend/browserdb"
	"murmur/backend/secrets"
	"murmur/backend/settings"
)

// appSettings: the widget's build (-tags widget) talks to the endpoint its
// page names and keeps no settings or keys, so that their code stays out of
// its module.
func appSettings(context.Context, Browser, *browserdb.DB, *slog.Logger) (*settings.Live, *secrets.Keys, error) {
	return nil, nil, errors.New("this is the widget's build of Murmur: give it an endpoint")
}
