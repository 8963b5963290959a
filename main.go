//go:build !js

// Command murmur is the Murmur desktop app: a Wails v2 window over the App
// facade. This file is the desktop shell; everything it shows comes from
// app.go and backend/.
package main

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"murmur/backend/windowstate"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at release build time with -ldflags "-X main.version=…".
var version = "dev"

// singleInstanceID names the app to the OS so that a second launch hands
// over to the first.
const singleInstanceID = "world.swarms.murmur"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", err)
		os.Exit(1)
	}
}

// desktop holds the shell's live state: the Wails context once the window
// exists and where the window geometry is kept.
type desktop struct {
	ctx       context.Context
	app       *App
	statePath string
	state     windowstate.State
	log       *slog.Logger
}

func run() error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d := &desktop{app: NewApp(version), log: log, state: windowstate.Default()}
	if p, err := windowstate.DefaultPath(); err != nil {
		log.Warn("window size will not be remembered", "err", err)
	} else {
		d.statePath = p
		st, err := windowstate.Load(p)
		if err != nil {
			log.Warn("window state ignored", "err", err)
		}
		d.state = st
	}

	err := wails.Run(&options.App{
		Title:     "Murmur",
		Width:     d.state.Width,
		Height:    d.state.Height,
		MinWidth:  windowstate.MinWidth,
		MinHeight: windowstate.MinHeight,
		// Hidden until the DOM is ready, so no white flash before the theme applies.
		StartHidden:      true,
		WindowStartState: d.startState(),
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 0, G: 0, B: 0, A: 0},
		OnStartup:        d.startup,
		OnDomReady:       d.domReady,
		OnBeforeClose:    d.beforeClose,
		OnShutdown:       d.shutdown,
		Bind:             []any{d.app},
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               singleInstanceID,
			OnSecondInstanceLaunch: d.secondInstance,
		},
		EnableDefaultContextMenu: false,
		DragAndDrop:              &options.DragAndDrop{DisableWebViewDrop: true},
		Linux: &linux.Options{
			ProgramName:         "murmur",
			WebviewGpuPolicy:    linux.WebviewGpuPolicyOnDemand,
			WindowIsTranslucent: false,
		},
		Mac: &mac.Options{
			About: &mac.AboutInfo{Title: "Murmur", Message: "Version " + version},
		},
		Windows: &windows.Options{
			Theme: windows.SystemDefault,
		},
	})
	if err != nil {
		return fmt.Errorf("run desktop window: %w", err)
	}
	return nil
}

func (d *desktop) startState() options.WindowStartState {
	if d.state.Maximised {
		return options.Maximised
	}
	return options.Normal
}

func (d *desktop) startup(ctx context.Context) {
	d.ctx = ctx
	d.app.startup(ctx)
}

func (d *desktop) domReady(ctx context.Context) {
	if d.state.HasPosition && !d.state.Maximised {
		runtime.WindowSetPosition(ctx, d.state.X, d.state.Y)
	}
	runtime.WindowShow(ctx)
}

// beforeClose remembers the window geometry; it never blocks closing.
func (d *desktop) beforeClose(ctx context.Context) bool {
	d.saveWindowState(ctx)
	return false
}

func (d *desktop) shutdown(ctx context.Context) {
	d.saveWindowState(ctx)
}

func (d *desktop) saveWindowState(ctx context.Context) {
	if d.statePath == "" {
		return
	}
	st := d.state
	st.Maximised = runtime.WindowIsMaximised(ctx)
	if !st.Maximised {
		st.Width, st.Height = runtime.WindowGetSize(ctx)
		st.X, st.Y = runtime.WindowGetPosition(ctx)
		st.HasPosition = true
	}
	if !st.Valid() {
		return
	}
	if err := windowstate.Save(d.statePath, st); err != nil {
		d.log.Warn("could not remember the window size", "err", err)
		return
	}
	d.state = st
}

// secondInstance brings the running window forward when Murmur is launched
// again.
func (d *desktop) secondInstance(options.SecondInstanceData) {
	if d.ctx == nil {
		return
	}
	runtime.WindowUnminimise(d.ctx)
	runtime.WindowShow(d.ctx)
}
