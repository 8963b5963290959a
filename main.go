//go:build !js && !server

// Command murmur is the Murmur desktop app and its command line. This file
// is the desktop shell: it runs a command (backend/cli) or opens the window
// (internal/desktop) over the App facade, both on the native platform
// (backend/platform).
package main

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"os"

	"murmur/backend/cli"
	"murmur/backend/platform"
	"murmur/backend/shell"
	"murmur/backend/view"
	"murmur/internal/desktop"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	if args := os.Args[1:]; cli.IsCommandLine(args) {
		// On Windows murmur.exe is a GUI program: print to the console it
		// was started from, if any. Elsewhere this does nothing.
		desktop.AttachConsole()
		os.Exit(cli.Run(args, cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr},
			cli.Env{Version: version, Open: openForCommand, Web: installedWebFiles}))
	}
	if err := runWindow(); err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", view.Readable(err))
		os.Exit(1)
	}
}

// runWindow opens the window. Folders that cannot be used are reported in
// the window once it exists, and nothing is written before they are known.
func runWindow() error {
	app := &App{}
	paths, pathErr := platform.NativePaths()
	log, closeLog := slog.New(slog.DiscardHandler), func() {}
	windowFile := ""
	if pathErr == nil {
		if l, c, err := platform.OpenLog(paths); err == nil {
			log, closeLog = l, c
		}
		windowFile = paths.WindowFile()
	}
	defer closeLog()
	return desktop.Run(desktop.Config{
		Version: version, Assets: assets, Facade: app, WindowFile: windowFile, Log: log,
		Open: func(ctx context.Context, sh shell.Shell, ev shell.Events) (func() error, error) {
			if pathErr != nil {
				return nil, pathErr
			}
			return openApp(ctx, app, paths, log, "desktop", sh, ev)
		},
		Dropped: app.keepDropped,
	})
}
