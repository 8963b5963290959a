package main

import "context"

// AppInfo names the running app for the UI's about line.
type AppInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// App is the facade the UI binds: every method the frontend may call. It
// takes ids and plain values, never paths, and imports neither Wails nor
// syscall/js, so the desktop and web shells share it.
type App struct {
	version string
	ctx     context.Context
}

// NewApp returns the facade for a build of the given version.
func NewApp(version string) *App {
	return &App{version: version, ctx: context.Background()}
}

// startup receives the shell's context, cancelled when the app shuts down.
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
}

// Info returns the app's name and version.
func (a *App) Info() AppInfo {
	return AppInfo{Name: "Murmur", Version: a.version}
}
