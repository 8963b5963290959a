//go:build js && wasm

package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"murmur/backend/browserdb"
	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// Browser says what a page asked the web shell's core to be.
type Browser struct {
	// Name namespaces the storage: one database per name ("app", a
	// widget's id).
	Name string
	// Memory keeps nothing in the browser's storage.
	Memory bool
	// Steal takes the storage over from another tab that has it open.
	Steal bool
	// Endpoint, when set, is the one provider (a widget's), with Model and
	// SystemPrompt; no key is ever held.
	Endpoint, Model, SystemPrompt string
	// Server is the API of the `murmur serve` that served the page, with
	// its models: first-run settings start with it as the default provider.
	Server       string
	ServerModels []string
	Version      string
	Log          *slog.Logger
	// OnChange hears of every conversation whose list entry changed.
	OnChange func(id string)
	// OnLost hears that another tab took the storage over; this one then
	// saves nothing more.
	OnLost func(message string)
}

// dbName is the IndexedDB database of an instance.
func (b Browser) dbName() string { return "murmur:" + b.Name }

// kvStore is the object store of settings and remembered keys.
const kvStore = "kv"

// OpenBrowser opens the services of a Murmur running in a browser page.
func OpenBrowser(ctx context.Context, b Browser) (*Services, error) {
	log := b.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client := llm.New(llm.WithUserAgent("Murmur/" + b.Version))
	var (
		st    *store.Store
		live  *settings.Live
		keys  *secrets.Keys
		err   error
		after []func() error // closes the database once the store is closed
	)
	fail := func(err error) (*Services, error) {
		if st != nil {
			st.Close()
		}
		for _, c := range after {
			c()
		}
		return nil, err
	}
	opts := []store.Option{store.WithLogger(log), store.WithOnChange(b.OnChange)}
	var db *browserdb.DB
	if b.Memory {
		opts = append(opts, store.WithMemory())
	} else {
		db, err = browserdb.Open(ctx, b.dbName(), kvStore)
		if err != nil {
			return nil, fmt.Errorf("open the browser's storage: %w", err)
		}
		after = append(after, db.Close)
		opts = append(opts, store.WithBrowserDB(db))
		if b.Steal {
			opts = append(opts, store.WithStealLock())
		}
		if b.OnLost != nil {
			opts = append(opts, store.WithOnLockLost(func() {
				b.OnLost("Murmur was opened in another tab of this browser, which now has your conversations. This tab saves nothing more; close it, or use Murmur here instead.")
			}))
		}
	}
	st, err = store.Open(ctx, "/murmur", opts...)
	if err != nil {
		return fail(err)
	}

	if b.Endpoint != "" {
		model := b.Model
		if model == "" {
			// No model attribute: the endpoint's first. A refusal (an origin
			// the endpoint does not allow) is the widget's first message.
			if model, err = firstModel(ctx, client, b.Endpoint); err != nil {
				return fail(err)
			}
		}
		s, err := SiteSettings(b.Endpoint, model, b.SystemPrompt)
		if err != nil {
			return fail(err)
		}
		if live, err = settings.OpenLive(ctx, &fixedSettings{s: s}); err != nil {
			return fail(err)
		}
		keys = secrets.New(secrets.WithBackend(secrets.SessionOnly("the widget holds no keys: its endpoint adds them")))
	} else if live, keys, err = appSettings(ctx, b, db, log); err != nil {
		return fail(err)
	}
	return &Services{Store: st, Settings: live, Keys: keys, Client: client, Log: log, after: after}, nil
}

// dbKV is the kv object store of a browser database.
type dbKV struct{ db *browserdb.DB }

func (k dbKV) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := k.db.Get(ctx, kvStore, key)
	if errors.Is(err, browserdb.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

func (k dbKV) Put(ctx context.Context, key string, v []byte) error {
	return k.db.Put(ctx, kvStore, key, v)
}

func (k dbKV) Delete(ctx context.Context, key string) error {
	return k.db.Delete(ctx, kvStore, key)
}

// firstModel asks an endpoint that needs no key for its models.
func firstModel(ctx context.Context, client *llm.Client, endpoint string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ms, err := client.ListModels(ctx, llm.Provider{ID: SiteProviderID, BaseURL: endpoint, Auth: llm.AuthNone}, "")
	if err != nil {
		return "", fmt.Errorf("ask %s for its models: %w", endpoint, err)
	}
	if len(ms) == 0 {
		return "", fmt.Errorf("%s offers no models: give the widget a model attribute", endpoint)
	}
	return ms[0].ID, nil
}
