//go:build !js

// Command murmur is the Murmur desktop app: a Wails v2 window over the App
// facade. This file is the desktop shell; everything it shows comes from
// app.go and backend/.
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
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
	// Named so: the desktop type below holds the window state.
	desktopos "murmur/internal/desktop"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at release build time with -ldflags "-X main.version=…".
var version = "dev"

// singleInstanceID names the app to the OS so that a second launch hands
// over to the first.
const singleInstanceID = "world.swarms.murmur"

func main() {
	versionArg := len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "version")
	if versionArg || (len(os.Args) > 1 && isCommand(os.Args[1])) {
		// On Windows murmur.exe is a GUI program: print to the console it was
		// started from, if any. Elsewhere this does nothing.
		desktopos.AttachConsole()
	}
	if versionArg {
		fmt.Println("murmur", version)
		return
	}
	if len(os.Args) > 1 && isCommand(os.Args[1]) {
		os.Exit(runCLI(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	if err := runDesktop(); err != nil {
		fmt.Fprintln(os.Stderr, "murmur:", Readable(err))
		os.Exit(1)
	}
}

// desktop holds the shell's live state: the Wails context once the window
// exists and where the window geometry is kept.
type desktop struct {
	wailsCtx context.Context
	ctx      context.Context // the app's; cancelled at shutdown
	cancel   context.CancelFunc
	startErr error
	// closeCore is set once the store is open.
	closeCore func() error
	app       *App
	statePath string
	state     windowstate.State
	log       *slog.Logger
}

func runDesktop() error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log, closeLog := openLog()
	defer closeLog()
	d := &desktop{ctx: ctx, cancel: cancel, app: &App{}, log: log, state: windowstate.Default()}
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
	if d.closeCore != nil {
		if cerr := d.closeCore(); cerr != nil {
			log.Error("closing the store failed", "err", cerr)
		}
	}
	if d.startErr != nil {
		return d.startErr
	}
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

// startup runs once this process is the single instance: it opens the
// store and fills the bound App. If that fails the user is told why and the
// app quits.
func (d *desktop) startup(ctx context.Context) {
	d.wailsCtx = ctx
	closeCore, err := openCore(d.ctx, d.app, d.log, wailsEmitter{d: d}, wailsShell{d: d})
	if err != nil {
		d.startErr = err
		runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
			Type: runtime.ErrorDialog, Title: "Murmur cannot start", Message: Readable(err),
		})
		runtime.Quit(ctx)
		return
	}
	d.closeCore = closeCore
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

// shutdown remembers the window and ends replies being written: they are
// saved as interrupted, to be continued at the next start.
func (d *desktop) shutdown(ctx context.Context) {
	d.saveWindowState(ctx)
	d.cancel()
	if d.closeCore != nil {
		d.app.shutdown()
	}
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
	if d.wailsCtx == nil {
		return
	}
	runtime.WindowUnminimise(d.wailsCtx)
	runtime.WindowShow(d.wailsCtx)
}

// wailsEmitter sends engine events to the window.
type wailsEmitter struct{ d *desktop }

func (e wailsEmitter) Emit(name string, payload any) {
	if e.d.wailsCtx != nil {
		runtime.EventsEmit(e.d.wailsCtx, name, payload)
	}
}

// wailsShell answers App's questions with native dialogs.
type wailsShell struct{ d *desktop }

func (s wailsShell) SaveFile(ctx context.Context, suggested, mimeType string) (io.WriteCloser, string, bool, error) {
	path, err := runtime.SaveFileDialog(s.d.wailsCtx, runtime.SaveDialogOptions{
		Title: "Export", DefaultFilename: suggested, CanCreateDirectories: true,
	})
	if err != nil {
		return nil, "", false, fmt.Errorf("file dialog: %w", err)
	}
	if path == "" {
		return nil, "", false, nil
	}
	f, err := createAtomic(path)
	if err != nil {
		return nil, "", false, err
	}
	return f, path, true, nil
}

func (s wailsShell) OpenFile(ctx context.Context) (ImportFile, bool, error) {
	path, err := runtime.OpenFileDialog(s.d.wailsCtx, runtime.OpenDialogOptions{
		Title: "Import conversations",
		Filters: []runtime.FileFilter{
			{DisplayName: "Conversations (*.json, *.zip)", Pattern: "*.json;*.zip"},
		},
	})
	if err != nil {
		return ImportFile{}, false, fmt.Errorf("file dialog: %w", err)
	}
	if path == "" {
		return ImportFile{}, false, nil
	}
	f, err := openImportFile(path)
	if err != nil {
		return ImportFile{}, false, err
	}
	return f, true, nil
}

func (s wailsShell) Confirm(ctx context.Context, title, message string) (bool, error) {
	res, err := runtime.MessageDialog(s.d.wailsCtx, runtime.MessageDialogOptions{
		Type: runtime.QuestionDialog, Title: title, Message: message,
		Buttons: []string{"Open", "Cancel"}, DefaultButton: "Cancel", CancelButton: "Cancel",
	})
	if err != nil {
		return false, fmt.Errorf("confirmation dialog: %w", err)
	}
	// Linux shows Yes/No whatever the buttons asked for.
	return res == "Open" || res == "Yes", nil
}

func (s wailsShell) OpenURL(ctx context.Context, url string) error {
	runtime.BrowserOpenURL(s.d.wailsCtx, url)
	return nil
}
