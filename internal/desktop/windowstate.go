package desktop

// The desktop window's size and position, remembered between launches in a
// small JSON file under the XDG state folder.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Size bounds: a remembered size outside them is ignored, so a corrupt or
// hand-edited file cannot make the window unusable.
const (
	MinWidth  = 640
	MinHeight = 420
	MaxSide   = 16384
)

// windowState is the window geometry worth remembering.
type windowState struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised,omitempty"`
	// HasPosition is false until a position has been saved once; the window
	// is then centred by the OS.
	HasPosition bool `json:"has_position,omitempty"`
}

// Default is the geometry of a first launch.
func defaultWindow() windowState {
	return windowState{Width: 1100, Height: 760}
}

// Valid reports whether s can be applied as it is.
func (s windowState) Valid() bool {
	return s.Width >= MinWidth && s.Height >= MinHeight && s.Width <= MaxSide && s.Height <= MaxSide &&
		s.X > -MaxSide && s.X < MaxSide && s.Y > -MaxSide && s.Y < MaxSide
}

// Load reads the state at path. A missing file gives Default and no error; a
// file that does not parse or holds an unusable geometry gives Default and
// an error saying why, which the caller may log: the window still opens.
func loadWindow(path string) (windowState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return defaultWindow(), nil
	}
	if err != nil {
		return defaultWindow(), fmt.Errorf("read window state: %w", err)
	}
	var s windowState
	if err := json.Unmarshal(b, &s); err != nil {
		return defaultWindow(), fmt.Errorf("window state %s is not valid JSON, using the default size: %w", path, err)
	}
	if !s.Valid() {
		return defaultWindow(), fmt.Errorf("window state %s holds an unusable geometry %dx%d at %d,%d, using the default size", path, s.Width, s.Height, s.X, s.Y)
	}
	return s, nil
}

// Save writes s to path atomically (temp file, fsync, rename), creating the
// folder if needed. An invalid state is not written.
func saveWindow(path string, s windowState) error {
	if !s.Valid() {
		return fmt.Errorf("save window state: geometry %dx%d at %d,%d is out of range", s.Width, s.Height, s.X, s.Y)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode window state: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create window state folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".window-*.json")
	if err != nil {
		return fmt.Errorf("save window state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("save window state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save window state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save window state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save window state: %w", err)
	}
	return nil
}
