//go:build js && wasm

// The web shell: the same App, built from the browser's services, answering
// the page from a Web Worker (internal/browser). Thin: it only wires.
package main

import (
	"context"

	"murmur/backend/platform"
	"murmur/backend/shell"
	"murmur/backend/view"
	"murmur/internal/browser"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	browser.Serve(context.Background(), openInBrowser)
}

// openInBrowser opens one instance of the core for a page: the web app, or
// one widget.
func openInBrowser(ctx context.Context, cfg browser.Config, sh shell.Shell, ev browser.Events) (browser.Methods, func() error, error) {
	ctx, cancel := context.WithCancel(ctx)
	svc, err := platform.OpenBrowser(ctx, platform.Browser{
		Name: cfg.Name, Memory: cfg.Storage == "memory", Steal: cfg.Steal,
		Endpoint: cfg.Endpoint, Model: cfg.Model, SystemPrompt: cfg.SystemPrompt, Version: version,
		Server: cfg.Server, ServerModels: cfg.ServerModels,
		OnChange: func(id string) { ev.ConversationsChanged([]string{id}) },
		OnLost:   ev.Elsewhere,
	})
	if err != nil {
		cancel()
		return nil, nil, view.FromError("open Murmur", err)
	}
	a := NewApp(ctx, Deps{Services: *svc, Version: version, ShellName: cfg.Shell, Shell: sh, Events: ev})
	return a.methods(), func() error {
		cancel()
		a.shutdown()
		return svc.Close()
	}, nil
}
