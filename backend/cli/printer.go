//go:build !js

package cli

import (
	"bufio"
	"errors"
	"io"

	"murmur/backend/chat"
	"murmur/backend/view"
)

// printer writes one reply as it streams: the answer to out and the
// model's reasoning to errOut, so that a pipe receives the answer alone.
type printer struct {
	out      *bufio.Writer
	errOut   io.Writer
	streamID string
	// last is the last byte of the answer written, to end it with a newline.
	last byte
	// stopping is set once the user asked to stop the reply.
	stopping bool
}

func newPrinter(out, errOut io.Writer, streamID string) *printer {
	return &printer{out: bufio.NewWriter(out), errOut: errOut, streamID: streamID}
}

// errInterrupted: the reply ended without the user stopping it (the app
// was quitting).
var errInterrupted = errors.New("the reply was interrupted")

// print handles one event. It returns done for the stream's terminal event,
// with the error the command ends with (nil for a complete reply).
func (p *printer) print(ev chat.StreamEvent) (done bool, err error) {
	if ev.StreamID != p.streamID {
		return false, nil
	}
	if ev.ReasoningDelta != "" {
		io.WriteString(p.errOut, ev.ReasoningDelta)
	}
	if ev.Delta != "" {
		p.out.WriteString(ev.Delta)
		p.last = ev.Delta[len(ev.Delta)-1]
	}
	if !ev.Terminal() {
		return false, p.out.Flush()
	}
	if p.last != 0 && p.last != '\n' {
		p.out.WriteByte('\n')
	}
	if ferr := p.out.Flush(); ferr != nil {
		return true, ferr
	}
	switch ev.Type {
	case chat.EventError:
		return true, &view.Error{Kind: view.ErrorKind(ev.Error.Kind), Message: ev.Error.Message}
	case chat.EventStopped:
		if p.stopping {
			return true, errStopped
		}
		return true, errInterrupted
	}
	return true, nil
}
