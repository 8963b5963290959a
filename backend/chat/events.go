package chat

import (
	"time"

	"murmur/backend/conversation"
)

// Emitter delivers the events of replies being written to a shell: the
// Wails runtime on desktop, a JS callback on the web, the terminal in the
// CLI. Stream must not block for long.
type Emitter interface {
	// Stream delivers one event of a reply; EventName(ev.StreamID) is the
	// event name a UI listens to.
	Stream(ev StreamEvent)
}

// EventType says what a stream event carries.
type EventType string

// Stream event types. Delta events may be coalesced; exactly one terminal
// event (done, error or stopped) ends every stream and is always delivered.
const (
	EventDelta EventType = "delta"
	// EventRetrying: the request failed in a way worth another try (a rate
	// limit, a server error) and is sent again after RetryInMS.
	EventRetrying EventType = "retrying"
	EventDone     EventType = "done"
	EventError    EventType = "error"
	EventStopped  EventType = "stopped"
)

// StreamEvent is the payload of every event of one stream. Seq starts at 1
// and grows by one per event, so a UI that receives events out of order (as
// Wails' browser mode may deliver them) can put them back in order, and one
// that subscribed late can ask for a Snapshot and apply only newer events.
type StreamEvent struct {
	StreamID       string                  `json:"streamId"`
	Seq            uint64                  `json:"seq"`
	Type           EventType               `json:"type"`
	ConversationID string                  `json:"conversationId"`
	MessageID      string                  `json:"messageId"`
	Delta          string                  `json:"delta,omitempty"`
	ReasoningDelta string                  `json:"reasoningDelta,omitempty"`
	FinishReason   string                  `json:"finishReason,omitempty"`
	Usage          *conversation.Usage     `json:"usage,omitempty"`
	Timing         *conversation.Timing    `json:"timing,omitempty"`
	Error          *conversation.ErrorInfo `json:"error,omitempty"`
	// RetryInMS and Attempt describe a retry (EventRetrying); Error says
	// what failed.
	RetryInMS int64 `json:"retryInMs,omitempty"`
	Attempt   int   `json:"attempt,omitempty"`
}

// Terminal reports whether e ends its stream.
func (e StreamEvent) Terminal() bool {
	return e.Type == EventDone || e.Type == EventError || e.Type == EventStopped
}

// EventName is the one event name a stream's events are emitted under.
func EventName(streamID string) string { return "chat:stream:" + streamID }

// Snapshot is what a stream has produced so far.
type Snapshot struct {
	StreamID       string                  `json:"streamId"`
	ConversationID string                  `json:"conversationId"`
	MessageID      string                  `json:"messageId"`
	Seq            uint64                  `json:"seq"`
	Content        string                  `json:"content"`
	Reasoning      string                  `json:"reasoning"`
	Status         conversation.Status     `json:"status"`
	Error          *conversation.ErrorInfo `json:"error,omitempty"`
}

// Clock is the time source of the engine; tests inject a fake one.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
