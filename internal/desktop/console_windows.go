package desktop

import (
	"log"
	"os"

	"golang.org/x/sys/windows"
)

// attachParentProcess is ATTACH_PARENT_PROCESS: the console of the process
// that started this one.
const attachParentProcess = ^uint32(0)

var procAttachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// AttachConsole connects murmur.exe, a GUI-subsystem program that Windows
// starts without a console, to the console of the shell that started it, so
// `murmur --version` and the CLI commands print there and read from it.
// Streams the shell redirected (`murmur list > list.txt`, a pipe) are kept.
// Started from Explorer or a shortcut there is no parent console: nothing
// changes, and what the command prints goes nowhere.
func AttachConsole() {
	if r, _, _ := procAttachConsole.Call(uintptr(attachParentProcess)); r == 0 {
		return
	}
	reconnect(&os.Stdin, windows.STD_INPUT_HANDLE, "CONIN$")
	reconnect(&os.Stdout, windows.STD_OUTPUT_HANDLE, "CONOUT$")
	reconnect(&os.Stderr, windows.STD_ERROR_HANDLE, "CONOUT$")
	// The standard logger kept the os.Stderr of start-up.
	log.SetOutput(os.Stderr)
}

// reconnect points *f, and the process's standard handle std, at the
// console device name, unless *f is already connected to something.
func reconnect(f **os.File, std uint32, name string) {
	if connected(*f) {
		return
	}
	c, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return
	}
	*f = c
	_ = windows.SetStdHandle(std, windows.Handle(c.Fd()))
}

// connected reports whether f holds a usable handle: a GUI program started
// without redirection has none (os.Stdout is nil or handle 0).
func connected(f *os.File) bool {
	if f == nil {
		return false
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
