//go:build !js

// The native command line shared by the desktop binary (main.go) and the
// headless server build (main_server.go): the app opened on the native
// platform for one command, and the web files `murmur serve` serves.
package main

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"murmur/backend/cli"
	"murmur/backend/platform"
	"murmur/backend/shell"
)

// version is set at release build time with -ldflags "-X main.version=…".
var version = "dev"

// openForCommand opens the app for one command of the command line.
func openForCommand(ctx context.Context, sh shell.Shell, ev shell.Events) (cli.App, func() error, error) {
	paths, err := platform.NativePaths()
	if err != nil {
		return nil, nil, err
	}
	log, closeLog, err := platform.OpenLog(paths)
	if err != nil {
		return nil, nil, err
	}
	app := &App{}
	closeApp, err := openApp(ctx, app, paths, log, "cli", sh, ev)
	if err != nil {
		closeLog()
		return nil, nil, err
	}
	return app, func() error {
		defer closeLog()
		return closeApp()
	}, nil
}

// openApp opens the native services at paths and fills a with them; the
// returned func waits for replies being written and closes the store.
func openApp(ctx context.Context, a *App, p platform.Paths, log *slog.Logger, shellName string, sh shell.Shell, ev shell.Events) (func() error, error) {
	svc, err := platform.Native(ctx, p, version, log, func(id string) { ev.ConversationsChanged([]string{id}) })
	if err != nil {
		return nil, err
	}
	a.init(ctx, Deps{Services: *svc, Version: version, ShellName: shellName, Shell: sh, Events: ev})
	return func() error {
		a.shutdown()
		return svc.Close()
	}, nil
}

// installedWebFiles finds the web app and widget (`make web`'s dist/web) a
// package installed beside the binary: $MURMUR_WEB, then
// <prefix>/share/murmur/web for a binary in <prefix>/bin. The desktop
// binary does not embed them (they would make it a third larger); the
// server build does. nil when there are none: `murmur serve` then serves
// the API alone.
func installedWebFiles() fs.FS {
	var dirs []string
	if d := os.Getenv("MURMUR_WEB"); d != "" {
		dirs = append(dirs, d)
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			dirs = append(dirs, filepath.Join(filepath.Dir(exe), "..", "share", "murmur", "web"))
		}
	}
	for _, d := range dirs {
		if fi, err := os.Stat(filepath.Join(d, "index.html")); err == nil && fi.Mode().IsRegular() {
			return os.DirFS(d)
		}
	}
	return nil
}
