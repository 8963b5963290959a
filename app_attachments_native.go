//go:build !js

package main

import (
	"murmur/backend/shell"
	"murmur/backend/view"
)

// keepDropped keeps files dropped on the window (the desktop shell hands
// over their paths; the page never does).
func (a *App) keepDropped(paths []string) ([]view.Attachment, error) {
	files := make([]shell.File, 0, len(paths))
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, p := range paths {
		f, err := shell.OpenRegular(p)
		if err != nil {
			return nil, view.FromError("attach", err)
		}
		files = append(files, f)
	}
	return a.keep(files)
}
