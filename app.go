package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"unicode/utf8"

	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/platform"
	"murmur/backend/providers"
	"murmur/backend/shell"
	"murmur/backend/store"
	"murmur/backend/view"
)

// App is the facade the UI binds: every method the frontend may call. Each
// validates its arguments, calls one thing below and maps the result to a
// view type; errors are *view.Error. It takes ids and plain values, never
// paths, and imports neither Wails nor syscall/js.
type App struct {
	version, shellName string
	store              *store.Store
	providers          *providers.Providers
	engine             *chat.Engine
	shell              shell.Shell
	log                *slog.Logger

	mu  sync.Mutex
	ctx context.Context // the shell's; cancelled at shutdown
}

// Deps are what a shell builds App from.
type Deps struct {
	platform.Services
	Version string
	// ShellName is "desktop" or "web", for the UI.
	ShellName string
	Shell     shell.Shell
	Events    shell.Events
	// ChatOptions tune the engine (tests inject a clock).
	ChatOptions []chat.Option
}

// NewApp builds the facade.
func NewApp(ctx context.Context, d Deps) *App {
	a := &App{}
	a.init(ctx, d)
	return a
}

// init fills a facade allocated earlier: the desktop shell binds App before
// the window exists and opens the store only once it is the single instance.
func (a *App) init(ctx context.Context, d Deps) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	ps := providers.New(d.Settings, d.Keys, d.Client, d.Log)
	opts := append([]chat.Option{chat.WithLogger(d.Log)}, d.ChatOptions...)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.version, a.shellName, a.store, a.providers, a.shell, a.log, a.ctx = d.Version, d.ShellName, d.Store, ps, d.Shell, d.Log, ctx
	a.engine = chat.New(d.Store, d.Client, ps.Target, d.Events, opts...)
}

func (a *App) context() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

// shutdown waits for replies being written to be saved; the shell cancels
// its context first, so they end as interrupted.
func (a *App) shutdown() {
	if a.engine != nil {
		a.engine.Wait()
	}
}

// Info returns the app's name, version and shell.
func (a *App) Info() view.AppInfo {
	return view.AppInfo{Name: "Murmur", Version: a.version, Shell: a.shellName}
}

// ---- argument checks -----------------------------------------------------

func checkConvID(id string) error {
	if !conversation.ValidID(id) {
		return view.Invalid("id", "that is not a conversation id")
	}
	return nil
}

// checkMessageRef validates a conversation id and a message id in it.
func checkMessageRef(convID, msgID string) error {
	if err := checkConvID(convID); err != nil {
		return err
	}
	if msgID == "" || len(msgID) > conversation.MaxIDBytes || !utf8.ValidString(msgID) {
		return view.Invalid("messageId", "that is not a message id")
	}
	return nil
}

func checkStreamID(id string) error {
	if !conversation.ValidID(id) {
		return view.Invalid("streamId", "that is not a stream id")
	}
	return nil
}

// maxPrompt bounds one prompt (4 MiB).
const maxPrompt = 4 << 20

// checkText checks a prompt's text; it may be empty when files are attached.
func checkText(text string, attached bool) error {
	if len(text) > maxPrompt || !utf8.ValidString(text) {
		return view.Invalid("text", "a message must be valid text of at most 4 MiB")
	}
	if strings.TrimSpace(text) == "" && !attached {
		return view.Invalid("text", "the message is empty")
	}
	return nil
}

func checkProviderID(id string) error {
	if len(id) > 64 || !utf8.ValidString(id) {
		return view.Invalid("providerId", "that is not a provider id")
	}
	return nil
}
