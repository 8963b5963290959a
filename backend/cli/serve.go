//go:build !js

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"murmur/backend/llm"
	"murmur/backend/platform"
	"murmur/backend/providers"
	"murmur/backend/secrets"
	"murmur/backend/serve"
	"murmur/backend/settings"
)

// serve runs `murmur serve` until Ctrl-C or SIGTERM. It reads the settings
// and the key, never the conversations: a server holds no state (and takes
// no lock), so several can run side by side.
func (r *runner) serve(args []string) error {
	cfg := serve.DefaultConfig()
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.RegisterFlags(flags)
	if pos, err := r.parse(flags, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("takes only options, not %q", pos[0])
	}
	log := slog.New(slog.NewTextHandler(r.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(r.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := upstream(ctx, &cfg, log); err != nil {
		return err
	}
	if r.env.Web != nil {
		if web := r.env.Web(); web != nil {
			cfg.App = web
			if widget, err := fs.Sub(web, "murmur"); err == nil {
				cfg.Widget = widget
			}
		}
	}
	srv, err := serve.New(cfg, log)
	if err != nil {
		return err
	}
	err = srv.Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// upstream fills cfg's upstream from the settings: the base URL, auth style,
// headers and extra body of --provider (the default provider if none), and
// its key from the environment or the keychain.
func upstream(ctx context.Context, cfg *serve.Config, log *slog.Logger) error {
	paths, err := platform.NativePaths()
	if err != nil {
		return err
	}
	live, err := settings.OpenLive(ctx, settings.File{Path: paths.SettingsFile()})
	if err != nil {
		return err
	}
	ps := providers.New(live, secrets.New(), llm.New(), log)
	if cfg.Provider == "" {
		cfg.Provider = live.Get().Defaults.ProviderID
	}
	p, key, err := ps.Endpoint(ctx, cfg.Provider)
	if err != nil {
		return endpointProblem(cfg.Provider, p.Name, err)
	}
	cfg.Upstream, cfg.Auth, cfg.Key = p.BaseURL, llm.AuthStyle(p.Auth), key
	cfg.Headers, cfg.ExtraBody = p.Headers, p.ExtraBody
	return nil
}

// endpointProblem rewords the failure to find the provider or its key for a
// person at a server's console: a missing key names the environment
// variables to set, and why the keychain could not supply it.
func endpointProblem(id, name string, err error) error {
	var pe *providers.Error
	reason, noKeychain := secrets.KeychainProblem(err)
	switch {
	case noKeychain:
		return fmt.Errorf("%s (here: %s)", serve.NoKeyAdvice(id, name), reason)
	case errors.As(err, &pe) && pe.Kind == providers.KindNoKey:
		return errors.New(serve.NoKeyAdvice(id, name))
	case errors.As(err, &pe) && pe.Kind == providers.KindUnknown:
		return fmt.Errorf("--provider: %w", err)
	}
	return fmt.Errorf("serve %s: %w", id, err)
}
