// Package desktop is the desktop shell's own code: the Wails window (hidden
// until the page is ready, one instance, no context menu, no file drop, no
// devtools in release), its remembered geometry, native dialogs as the
// core's Shell, events to the page, and errors handed to the page as
// structured values. It is the only package besides the root that imports
// Wails.
package desktop

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"murmur/backend/shell"
	"murmur/backend/view"
)

// singleInstanceID names the app to the OS so that a second launch hands
// over to the first.
const singleInstanceID = "world.swarms.murmur"

// Config is what the window shows and how the core is opened.
type Config struct {
	Version string
	// Assets are the built frontend.
	Assets fs.FS
	// Facade is the bound object; its exported methods are the UI's surface.
	Facade any
	// WindowFile is where the geometry is remembered ("" for nowhere).
	WindowFile string
	Log        *slog.Logger
	// Open opens the core once this process is the single instance, with the
	// window's dialogs and events; the returned func waits for replies being
	// written and closes it. An error is shown to the user and the app quits.
	Open func(ctx context.Context, sh shell.Shell, ev shell.Events) (func() error, error)
	// Dropped keeps files dropped on the window as attachments; the page
	// hears of them (view.AttachmentsDroppedEvent) and never sees a path.
	Dropped func(paths []string) ([]view.Attachment, error)
}

// window is the shell's live state.
type window struct {
	cfg      Config
	wailsCtx context.Context
	ctx      context.Context // the core's; cancelled at shutdown
	cancel   context.CancelFunc
	startErr error
	close    func() error
	state    windowState
}

// ErrNoDisplay says the window cannot open: there is no display to open it on.
var ErrNoDisplay = errors.New("no display")

// Run opens the window and returns when it is closed.
func Run(cfg Config) (err error) {
	if err := checkDisplay(); err != nil {
		return err
	}
	// Wails panics when GTK cannot start (a display that is set but cannot
	// be opened): say so in words instead of a stack trace.
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && e.Error() == "failed to init GTK" {
				err = fmt.Errorf("%w: GTK could not open the display; the commands work without one (murmur help)", ErrNoDisplay)
				return
			}
			panic(r)
		}
	}()
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &window{cfg: cfg, ctx: ctx, cancel: cancel, state: defaultWindow()}
	if cfg.WindowFile != "" {
		st, err := loadWindow(cfg.WindowFile)
		if err != nil {
			cfg.Log.Warn("window state ignored", "err", err)
		}
		w.state = st
	}
	start := options.Normal
	if w.state.Maximised {
		start = options.Maximised
	}
	runErr := wails.Run(&options.App{
		Title:     "Murmur",
		Width:     w.state.Width,
		Height:    w.state.Height,
		MinWidth:  MinWidth,
		MinHeight: MinHeight,
		// Hidden until the DOM is ready, so no white flash before the theme applies.
		StartHidden:      true,
		WindowStartState: start,
		AssetServer:      &assetserver.Options{Assets: cfg.Assets},
		BackgroundColour: &options.RGBA{R: 0, G: 0, B: 0, A: 0},
		OnStartup:        w.startup,
		OnDomReady:       w.domReady,
		OnBeforeClose:    w.beforeClose,
		OnShutdown:       w.shutdown,
		Bind:             []any{cfg.Facade},
		EnumBind:         []any{view.AllErrorKinds},
		ErrorFormatter:   formatError,
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               singleInstanceID,
			OnSecondInstanceLaunch: w.secondInstance,
		},
		EnableDefaultContextMenu: false,
		// The webview never handles a drop itself (it would navigate away);
		// Wails hands the dropped files' paths to Go, which keeps them.
		DragAndDrop: &options.DragAndDrop{DisableWebViewDrop: true, EnableFileDrop: true},
		Linux: &linux.Options{
			ProgramName:         "murmur",
			WebviewGpuPolicy:    linux.WebviewGpuPolicyOnDemand,
			WindowIsTranslucent: false,
		},
		Mac:     &mac.Options{About: &mac.AboutInfo{Title: "Murmur", Message: "Version " + cfg.Version}},
		Windows: &windows.Options{Theme: windows.SystemDefault},
	})
	if w.close != nil {
		if cerr := w.close(); cerr != nil {
			cfg.Log.Error("closing the store failed", "err", cerr)
		}
	}
	if w.startErr != nil {
		return w.startErr
	}
	if runErr != nil {
		return fmt.Errorf("run the desktop window: %w", runErr)
	}
	return nil
}

// formatError hands the page the structured error (kind, fields, ids) of a
// failed call, not only its text.
func formatError(err error) any {
	var e *view.Error
	if errors.As(err, &e) {
		return e
	}
	return &view.Error{Kind: view.KindError, Message: err.Error()}
}

// startup runs once this process is the single instance: it opens the core.
// If that fails the user is told why and the app quits.
func (w *window) startup(ctx context.Context) {
	w.wailsCtx = ctx
	closeCore, err := w.cfg.Open(w.ctx, dialogs{w: w}, events{w: w})
	if err != nil {
		w.startErr = err
		runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
			Type: runtime.ErrorDialog, Title: "Murmur cannot start", Message: view.Readable(err),
		})
		runtime.Quit(ctx)
		return
	}
	w.close = closeCore
	if w.cfg.Dropped != nil {
		runtime.OnFileDrop(ctx, w.dropped)
	}
}

// dropped keeps files dropped on the window and tells the page.
func (w *window) dropped(x, y int, paths []string) {
	atts, err := w.cfg.Dropped(paths)
	ev := view.AttachmentsDropped{Attachments: atts}
	if err != nil {
		ev.Error = view.Readable(err)
	}
	runtime.EventsEmit(w.wailsCtx, view.AttachmentsDroppedEvent, ev)
}

func (w *window) domReady(ctx context.Context) {
	if w.state.HasPosition && !w.state.Maximised {
		runtime.WindowSetPosition(ctx, w.state.X, w.state.Y)
	}
	runtime.WindowShow(ctx)
}

// beforeClose remembers the window geometry while the window still exists;
// every way of quitting (closing the window, a signal, runtime.Quit) passes
// here first. It never blocks closing.
func (w *window) beforeClose(ctx context.Context) bool {
	w.saveGeometry(ctx)
	return false
}

// shutdown ends replies being written: they are saved as interrupted, to be
// continued at the next start. The window is gone by now: nothing here may
// ask it anything (GTK would complain).
func (w *window) shutdown(context.Context) {
	w.cancel()
}

func (w *window) saveGeometry(ctx context.Context) {
	if w.cfg.WindowFile == "" {
		return
	}
	st := w.state
	st.Maximised = runtime.WindowIsMaximised(ctx)
	if !st.Maximised {
		st.Width, st.Height = runtime.WindowGetSize(ctx)
		st.X, st.Y = runtime.WindowGetPosition(ctx)
		st.HasPosition = true
	}
	if !st.Valid() {
		return
	}
	if err := saveWindow(w.cfg.WindowFile, st); err != nil {
		w.cfg.Log.Warn("could not remember the window size", "err", err)
		return
	}
	w.state = st
}

// secondInstance brings the running window forward when Murmur is launched
// again.
func (w *window) secondInstance(options.SecondInstanceData) {
	if w.wailsCtx == nil {
		return
	}
	runtime.WindowUnminimise(w.wailsCtx)
	runtime.WindowShow(w.wailsCtx)
}
