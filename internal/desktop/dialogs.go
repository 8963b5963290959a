package desktop

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pkg/browser"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"murmur/backend/shell"
)

// dialogs answers the core's questions with native dialogs.
type dialogs struct{ w *window }

func (d dialogs) SaveFile(ctx context.Context, suggested, mimeType string) (io.WriteCloser, string, bool, error) {
	path, err := runtime.SaveFileDialog(d.w.wailsCtx, runtime.SaveDialogOptions{
		Title: "Export", DefaultFilename: suggested, CanCreateDirectories: true,
	})
	if err != nil {
		return nil, "", false, fmt.Errorf("file dialog: %w", err)
	}
	if path == "" {
		return nil, "", false, nil
	}
	f, err := shell.CreateAtomic(path)
	if err != nil {
		return nil, "", false, err
	}
	return f, path, true, nil
}

func (d dialogs) OpenFile(ctx context.Context) (shell.File, bool, error) {
	path, err := runtime.OpenFileDialog(d.w.wailsCtx, runtime.OpenDialogOptions{
		Title: "Import conversations",
		Filters: []runtime.FileFilter{
			{DisplayName: "Conversations (*.json, *.zip)", Pattern: "*.json;*.zip"},
		},
	})
	if err != nil {
		return shell.File{}, false, fmt.Errorf("file dialog: %w", err)
	}
	if path == "" {
		return shell.File{}, false, nil
	}
	f, err := shell.OpenRegular(path)
	if err != nil {
		return shell.File{}, false, err
	}
	return f, true, nil
}

func (d dialogs) Confirm(ctx context.Context, title, message string) (bool, error) {
	res, err := runtime.MessageDialog(d.w.wailsCtx, runtime.MessageDialogOptions{
		Type: runtime.QuestionDialog, Title: title, Message: message,
		Buttons: []string{"Open", "Cancel"}, DefaultButton: "Cancel", CancelButton: "Cancel",
	})
	if err != nil {
		return false, fmt.Errorf("confirmation dialog: %w", err)
	}
	// Linux shows Yes/No whatever the buttons asked for.
	return res == "Open" || res == "Yes", nil
}

// OpenURL starts the system browser. A failure to start one (no browser
// installed, xdg-open finding none) is told, not swallowed; a launcher that
// keeps running after a few seconds is taken to have opened the link.
func (d dialogs) OpenURL(ctx context.Context, url string) error {
	done := make(chan error, 1)
	go func() { done <- browser.OpenURL(url) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("no browser could be started to open the link (%v); copy it and open it yourself: %s", err, url)
		}
	case <-time.After(5 * time.Second):
	}
	return nil
}

func (d dialogs) OpenAttachments(ctx context.Context) ([]shell.File, error) {
	paths, err := runtime.OpenMultipleFilesDialog(d.w.wailsCtx, runtime.OpenDialogOptions{
		Title: "Attach files",
		Filters: []runtime.FileFilter{
			{DisplayName: "Images and text files", Pattern: "*.png;*.jpg;*.jpeg;*.gif;*.webp;*.txt;*.md;*.csv;*.json;*.yaml;*.yml;*.xml;*.html;*.css;*.js;*.ts;*.py;*.go;*.rs;*.c;*.h;*.cpp;*.java;*.sh;*.sql;*.toml;*.svg"},
			{DisplayName: "All files", Pattern: "*"},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("file dialog: %w", err)
	}
	return openAll(paths)
}

// openAll opens the files the user chose; if one cannot be opened, none is
// kept open.
func openAll(paths []string) ([]shell.File, error) {
	files := make([]shell.File, 0, len(paths))
	for _, p := range paths {
		f, err := shell.OpenRegular(p)
		if err != nil {
			for _, g := range files {
				g.Close()
			}
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}
