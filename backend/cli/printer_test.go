//go:build !js

package cli

import (
	"bytes"
	"errors"
	"testing"

	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/view"
)

func TestPrinter(t *testing.T) {
	ev := func(typ chat.EventType, delta, reasoning string) chat.StreamEvent {
		return chat.StreamEvent{StreamID: "s", Type: typ, Delta: delta, ReasoningDelta: reasoning}
	}
	for _, tc := range []struct {
		name        string
		events      []chat.StreamEvent
		stopping    bool
		out, errOut string
		err         error
	}{
		{"answer ends with a newline", []chat.StreamEvent{ev(chat.EventDelta, "Hello", ""), ev(chat.EventDelta, " world", ""),
			ev(chat.EventDone, "", "")}, false, "Hello world\n", "", nil},
		{"a newline is not doubled", []chat.StreamEvent{ev(chat.EventDelta, "line\n", ""), ev(chat.EventDone, "", "")},
			false, "line\n", "", nil},
		{"an empty reply prints nothing", []chat.StreamEvent{ev(chat.EventDone, "", "")}, false, "", "", nil},
		{"reasoning goes to stderr", []chat.StreamEvent{ev(chat.EventDelta, "", "thinking"), ev(chat.EventDelta, "answer", ""),
			ev(chat.EventDone, "", "")}, false, "answer\n", "thinking", nil},
		{"other streams are ignored", []chat.StreamEvent{{StreamID: "other", Type: chat.EventDelta, Delta: "no"},
			ev(chat.EventDelta, "yes", ""), ev(chat.EventDone, "", "")}, false, "yes\n", "", nil},
		{"stopped by the user", []chat.StreamEvent{ev(chat.EventDelta, "part", ""), ev(chat.EventStopped, "", "")},
			true, "part\n", "", errStopped},
		{"interrupted", []chat.StreamEvent{ev(chat.EventStopped, "", "")}, false, "", "", errInterrupted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			p := newPrinter(&out, &errOut, "s")
			p.stopping = tc.stopping
			var err error
			done := false
			for i, e := range tc.events {
				if done {
					t.Fatal("events after the end")
				}
				done, err = p.print(e)
				if done != (i == len(tc.events)-1) {
					t.Fatalf("event %d: done %v", i, done)
				}
			}
			if out.String() != tc.out || errOut.String() != tc.errOut || !errors.Is(err, tc.err) {
				t.Fatalf("out %q err %q error %v; want %q %q %v", out.String(), errOut.String(), err, tc.out, tc.errOut, tc.err)
			}
		})
	}
}

func TestPrinterErrorIsTheReadableMessage(t *testing.T) {
	var out bytes.Buffer
	p := newPrinter(&out, &out, "s")
	_, err := p.print(chat.StreamEvent{StreamID: "s", Type: chat.EventError,
		Error: &conversation.ErrorInfo{Message: "Invalid API key.", Kind: "auth"}})
	var ve *view.Error
	if !errors.As(err, &ve) || ve.Kind != view.KindAuth || view.Readable(err) != "Invalid API key." {
		t.Fatalf("error %v", err)
	}
}
