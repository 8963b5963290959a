//go:build (linux || freebsd || netbsd || openbsd || dragonfly) && !bindings

package desktop

import (
	"fmt"
	"os"
)

// checkDisplay refuses to start GTK without a display to open the window on.
func checkDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("%w: the window needs X11 or Wayland and neither DISPLAY nor WAYLAND_DISPLAY is set; the commands work without one (murmur help)", ErrNoDisplay)
	}
	return nil
}
