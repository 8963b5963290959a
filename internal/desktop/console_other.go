//go:build !windows

package desktop

// AttachConsole does nothing outside Windows: there a program started from
// a terminal already has its standard streams.
func AttachConsole() {}
