//go:build !js

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"

	"murmur/backend/chat"
	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// openCore opens the conversation store, loads the settings and fills app
// for a native shell (the desktop window or the CLI). The returned func
// waits for replies being written and closes the store.
func openCore(ctx context.Context, app *App, log *slog.Logger, emit chat.Emitter, shell Shell) (func() error, error) {
	dir, err := store.DefaultDir()
	if err != nil {
		return nil, fmt.Errorf("find the data folder: %w", err)
	}
	st, err := store.Open(ctx, dir, store.WithLogger(log))
	if err != nil {
		return nil, err
	}
	// The store finishes checking its files in the background; log its
	// repairs once it has, without holding up the first page.
	go func() {
		rep := st.OpenReport()
		if len(rep.Quarantined) > 0 || len(rep.Recovered) > 0 || rep.IndexError != "" {
			log.Warn("store opened with repairs", "quarantined", len(rep.Quarantined),
				"recovered", len(rep.Recovered), "index_error", rep.IndexError)
		}
	}()
	path, err := settings.DefaultPath()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("find the settings file: %w", err)
	}
	err = app.init(ctx, Deps{
		Version:  version,
		Store:    st,
		Settings: settingsFile{path: path},
		Keys:     secrets.New(),
		Client:   llm.New(llm.WithUserAgent("Murmur/" + version)),
		Emitter:  emit,
		Shell:    shell,
		Log:      log,
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return func() error {
		app.shutdown()
		return st.Close()
	}, nil
}

// openLog opens $XDG_STATE_HOME/murmur/murmur.log; without it, logs are
// dropped. Nothing logs keys, headers or message text. The returned func
// closes the file.
func openLog() (*slog.Logger, func()) {
	path, err := xdg.StateFile(filepath.Join("murmur", "murmur.log"))
	if err != nil {
		return slog.New(slog.DiscardHandler), func() {}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return slog.New(slog.DiscardHandler), func() {}
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})), func() { f.Close() }
}

// atomicFile is how native shells write an export: to a temp file
// renamed into place on Close, so a failed
// export never leaves half a file under the chosen name.
type atomicFile struct {
	*os.File
	final string
	done  bool
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &atomicFile{File: f, final: path}, nil
}

// Abort drops what was written; the file under the chosen name, if any,
// stays as it was.
func (f *atomicFile) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

func (f *atomicFile) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.File.Name(), f.final)
	}
	if err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.final, err)
	}
	return nil
}

func openImportFile(path string) (ImportFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return ImportFile{}, fmt.Errorf("open %s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return ImportFile{}, fmt.Errorf("open %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return ImportFile{}, errors.New("only regular files can be imported")
	}
	return ImportFile{Name: filepath.Base(path), Size: fi.Size(), Reader: f, Close: f.Close}, nil
}
