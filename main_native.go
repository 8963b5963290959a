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
// package installed beside the binary (see webDirs), when `murmur serve`
// asks. The desktop binary
// does not embed them (they would make it a third larger); the server build
// does. nil when there are none: `murmur serve` then serves the API alone.
func installedWebFiles() fs.FS {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		exe = ""
	}
	if d := findWebDir(webDirs(os.Getenv("MURMUR_WEB"), exe)); d != "" {
		return os.DirFS(d)
	}
	return nil
}

// webDirs lists, in the order they are tried, the folders that may hold the
// web files for the binary exe (a resolved path, or "" when unknown): env
// ($MURMUR_WEB), then <exe dir>/web (the Windows installer puts them beside
// murmur.exe), then <prefix>/share/murmur/web for a binary in <prefix>/bin
// (the .deb and the Linux archive).
func webDirs(env, exe string) []string {
	var dirs []string
	if env != "" {
		dirs = append(dirs, env)
	}
	if exe != "" {
		dir := filepath.Dir(exe)
		dirs = append(dirs, filepath.Join(dir, "web"), filepath.Join(dir, "..", "share", "murmur", "web"))
	}
	return dirs
}

// findWebDir returns the first of dirs holding an index.html file, or "".
func findWebDir(dirs []string) string {
	for _, d := range dirs {
		if fi, err := os.Stat(filepath.Join(d, "index.html")); err == nil && fi.Mode().IsRegular() {
			return d
		}
	}
	return ""
}
