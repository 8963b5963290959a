//go:build !js

package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/adrg/xdg"

	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// Paths are the folders a native Murmur keeps its files in, each ending in
// "murmur": conversations under Data, settings.json under Config, the log and
// the window geometry under State.
type Paths struct {
	Data, Config, State string
}

// NativePaths finds the folders from the XDG variables (a relative one is
// ignored, as the XDG spec says) or the home folder, the platform's
// equivalents on Windows and macOS. A home folder that is not set or not an
// absolute path is refused with the fix in words. Nothing is created.
func NativePaths() (Paths, error) {
	xdg.Reload() // the environment may have changed since start-up
	var p Paths
	var err error
	if p.Data, err = folder("data", "XDG_DATA_HOME", xdg.DataHome); err != nil {
		return Paths{}, err
	}
	if p.Config, err = folder("settings", "XDG_CONFIG_HOME", xdg.ConfigHome); err != nil {
		return Paths{}, err
	}
	if p.State, err = folder("log", "XDG_STATE_HOME", xdg.StateHome); err != nil {
		return Paths{}, err
	}
	return p, nil
}

func folder(what, env, fallback string) (string, error) {
	if v := os.Getenv(env); filepath.IsAbs(v) {
		return filepath.Join(v, "murmur"), nil
	}
	if runtime.GOOS != "windows" {
		if h := os.Getenv("HOME"); !filepath.IsAbs(h) {
			said := "not set"
			if h != "" {
				said = fmt.Sprintf("%q, not an absolute path", h)
			}
			return "", fmt.Errorf("find the %s folder: HOME is %s; set HOME (or %s) to an absolute folder", what, said, env)
		}
	}
	if !filepath.IsAbs(fallback) {
		return "", fmt.Errorf("find the %s folder: none could be found; set %s to an absolute folder", what, env)
	}
	return filepath.Join(fallback, "murmur"), nil
}

// SettingsFile is where the settings are kept.
func (p Paths) SettingsFile() string { return filepath.Join(p.Config, settings.FileName) }

// WindowFile is where the desktop window's geometry is kept.
func (p Paths) WindowFile() string { return filepath.Join(p.State, "window.json") }

// OpenLog opens State/murmur.log (created 0600) for appending. Nothing logs
// keys, headers or message text. The returned func closes it.
func OpenLog(p Paths) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(p.State, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create the log folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(p.State, "murmur.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open the log: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})), func() { f.Close() }, nil
}

// unsentAttachmentGrace is how long a file attached to a message that was
// never sent is kept.
const unsentAttachmentGrace = 24 * time.Hour

// Native opens the services of a desktop or command-line Murmur at p: the
// store (taking its lock; onChange hears of every conversation whose list
// entry changed), the settings file, the OS keychain and an HTTP client.
func Native(ctx context.Context, p Paths, version string, log *slog.Logger, onChange func(id string)) (*Services, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, p.Data, store.WithLogger(log), store.WithOnChange(onChange))
	if err != nil {
		return nil, err
	}
	// The store finishes checking its files in the background; log its
	// repairs once it has, without holding up the first page, and drop the
	// files attached to messages that were never sent.
	go func() {
		rep := st.OpenReport()
		if len(rep.Quarantined) > 0 || len(rep.Recovered) > 0 || rep.IndexError != "" {
			log.Warn("store opened with repairs", "quarantined", len(rep.Quarantined),
				"recovered", len(rep.Recovered), "index_error", rep.IndexError)
		}
		if n, err := st.SweepAttachments(ctx, unsentAttachmentGrace); err != nil && !errors.Is(err, store.ErrClosed) {
			log.Warn("sweeping unused attachments failed", "err", err)
		} else if n > 0 {
			log.Info("removed attachments of messages never sent", "count", n)
		}
	}()
	live, err := settings.OpenLive(ctx, settings.File{Path: p.SettingsFile()})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &Services{
		Store: st, Settings: live, Keys: secrets.New(), Log: log,
		Client: llm.New(llm.WithUserAgent("Murmur/" + version)),
	}, nil
}
