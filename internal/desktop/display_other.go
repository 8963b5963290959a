//go:build !(linux || freebsd || netbsd || openbsd || dragonfly) || bindings

package desktop

// checkDisplay: Windows and macOS always have a display for a GUI program,
// and generating the bindings opens no window.
func checkDisplay() error { return nil }
