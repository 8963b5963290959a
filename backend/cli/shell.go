//go:build !js

package cli

import (
	"context"
	"errors"
	"io"

	"murmur/backend/chat"
	"murmur/backend/shell"
)

// terminal is the command line's Shell: the files named on it.
type terminal struct {
	input, output string
	attach        []string
	stdout        io.Writer
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func (t terminal) SaveFile(ctx context.Context, suggested, mimeType string) (io.WriteCloser, string, bool, error) {
	if t.output == "" || t.output == "-" {
		return nopCloser{t.stdout}, "standard output", true, nil
	}
	f, err := shell.CreateAtomic(t.output)
	if err != nil {
		return nil, "", false, err
	}
	return f, t.output, true, nil
}

func (t terminal) OpenFile(ctx context.Context) (shell.File, bool, error) {
	if t.input == "" {
		return shell.File{}, false, errors.New("no file to import was named")
	}
	f, err := shell.OpenRegular(t.input)
	return f, err == nil, err
}

func (t terminal) OpenAttachments(ctx context.Context) ([]shell.File, error) {
	files := make([]shell.File, 0, len(t.attach))
	for _, p := range t.attach {
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

func (terminal) Confirm(context.Context, string, string) (bool, error) { return false, nil }

func (terminal) OpenURL(context.Context, string) error {
	return errors.New("the command line does not open links")
}

// streamEvents hands the replies' events to the command waiting for them.
type streamEvents struct{ ch chan<- chat.StreamEvent }

func (e streamEvents) Stream(ev chat.StreamEvent)  { e.ch <- ev }
func (streamEvents) ConversationsChanged([]string) {}
