package desktop

import (
	"context"
	"fmt"
	"io"

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

func (d dialogs) OpenFile(ctx context.Context) (shell.ImportFile, bool, error) {
	path, err := runtime.OpenFileDialog(d.w.wailsCtx, runtime.OpenDialogOptions{
		Title: "Import conversations",
		Filters: []runtime.FileFilter{
			{DisplayName: "Conversations (*.json, *.zip)", Pattern: "*.json;*.zip"},
		},
	})
	if err != nil {
		return shell.ImportFile{}, false, fmt.Errorf("file dialog: %w", err)
	}
	if path == "" {
		return shell.ImportFile{}, false, nil
	}
	f, err := shell.OpenImportFile(path)
	if err != nil {
		return shell.ImportFile{}, false, err
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

func (d dialogs) OpenURL(ctx context.Context, url string) error {
	runtime.BrowserOpenURL(d.w.wailsCtx, url)
	return nil
}
