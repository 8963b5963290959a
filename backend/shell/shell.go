// Package shell declares what the core asks of the shell it runs in (the
// desktop window, the command line, the browser page): files the user
// chooses, a yes/no question, the system browser, and somewhere to send
// events. The core never opens a path of its own: every file comes through a
// Shell. files_native.go has the file helpers both native shells share.
package shell

import (
	"context"
	"errors"
	"fmt"
	"io"

	"murmur/backend/chat"
)

// Shell answers the facade's questions: a native dialog on the desktop, a
// download or file picker on the web, a path argument in the CLI.
type Shell interface {
	// SaveFile asks where to save an export named suggested; ok is false
	// when the user cancelled. where names the destination for the user.
	// A destination that can be aborted (see Aborter) keeps its old content
	// when the export fails.
	SaveFile(ctx context.Context, suggested, mimeType string) (w io.WriteCloser, where string, ok bool, err error)
	// OpenFile asks for a file to import; ok is false when the user cancelled.
	OpenFile(ctx context.Context) (f File, ok bool, err error)
	// OpenAttachments asks for files to attach to a message; none when the
	// user cancelled. The caller closes them.
	OpenAttachments(ctx context.Context) ([]File, error)
	// Confirm asks a yes/no question.
	Confirm(ctx context.Context, title, message string) (bool, error)
	// OpenURL opens an already-checked URL in the system browser.
	OpenURL(ctx context.Context, url string) error
}

// Aborter is a destination of SaveFile that can drop what was written.
type Aborter interface{ Abort() }

// Abort drops a half-written export: a destination that can be aborted
// keeps its old content; any other is closed.
func Abort(w io.WriteCloser) {
	if a, ok := w.(Aborter); ok {
		a.Abort()
		return
	}
	w.Close()
}

// File is a file the user chose.
type File struct {
	Name   string
	Size   int64
	Reader io.ReaderAt
	Close  func() error
}

// Events receives what the core tells the UI, one method per kind.
type Events interface {
	chat.Emitter
	// ConversationsChanged names conversations whose list entry changed.
	ConversationsChanged(ids []string)
}

// ReadAll reads a whole file the user chose, refusing one larger than
// limit bytes (with its name, for the message).
func ReadAll(f File, limit int64) ([]byte, error) {
	if f.Size > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", f.Name, f.Size, limit)
	}
	b := make([]byte, f.Size)
	n, err := f.Reader.ReadAt(b, 0)
	if err != nil && !(errors.Is(err, io.EOF) && int64(n) == f.Size) {
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return b[:n], nil
}
