package view

import "murmur/backend/chat"

// Started describes a reply that is now being written: listen to Event,
// then call StreamSnapshot to catch up on what was sent before.
type Started struct {
	StreamID           string `json:"streamId"`
	Event              string `json:"event"`
	ConversationID     string `json:"conversationId"`
	UserMessageID      string `json:"userMessageId"`
	AssistantMessageID string `json:"assistantMessageId"`
}

// StreamEvent is the payload of every event of one reply, under the event
// name Started.Event. Seq starts at 1 and grows by one per event; exactly one
// terminal event (done, error or stopped) ends every stream.
type StreamEvent struct {
	StreamID       string     `json:"streamId"`
	Seq            uint64     `json:"seq"`
	Type           string     `json:"type"`
	ConversationID string     `json:"conversationId"`
	MessageID      string     `json:"messageId"`
	Delta          string     `json:"delta,omitempty"`
	ReasoningDelta string     `json:"reasoningDelta,omitempty"`
	FinishReason   string     `json:"finishReason,omitempty"`
	Usage          *Usage     `json:"usage,omitempty"`
	Timing         *Timing    `json:"timing,omitempty"`
	Error          *ErrorInfo `json:"error,omitempty"`
	// RetryInMS and Attempt describe a retry (type "retrying"): the request
	// is sent again after that wait; Error says what failed.
	RetryInMS int64 `json:"retryInMs,omitempty"`
	Attempt   int   `json:"attempt,omitempty"`
}

// Snapshot is what a reply has produced so far.
type Snapshot struct {
	StreamID       string     `json:"streamId"`
	ConversationID string     `json:"conversationId"`
	MessageID      string     `json:"messageId"`
	Seq            uint64     `json:"seq"`
	Content        string     `json:"content"`
	Reasoning      string     `json:"reasoning"`
	Status         string     `json:"status"`
	Error          *ErrorInfo `json:"error,omitempty"`
}

// ConversationsChangedEvent is the event whose payload (a list of ids) names
// conversations whose list entry changed: created, renamed, pinned,
// archived, deleted, imported, or a reply that started or ended.
const ConversationsChangedEvent = "conversations:changed"

// StartedOf maps a started reply.
func StartedOf(s chat.Started) Started {
	return Started{StreamID: s.StreamID, Event: s.Event, ConversationID: s.ConversationID,
		UserMessageID: s.UserMessageID, AssistantMessageID: s.AssistantMessageID}
}

// StreamEventOf maps one event of a reply.
func StreamEventOf(e chat.StreamEvent) StreamEvent {
	return StreamEvent{StreamID: e.StreamID, Seq: e.Seq, Type: string(e.Type), ConversationID: e.ConversationID,
		MessageID: e.MessageID, Delta: e.Delta, ReasoningDelta: e.ReasoningDelta, FinishReason: e.FinishReason,
		Usage: UsageOf(e.Usage), Timing: TimingOf(e.Timing), Error: ErrorInfoOf(e.Error),
		RetryInMS: e.RetryInMS, Attempt: e.Attempt}
}

// SnapshotOf maps what a reply has produced so far.
func SnapshotOf(s chat.Snapshot) Snapshot {
	return Snapshot{StreamID: s.StreamID, ConversationID: s.ConversationID, MessageID: s.MessageID, Seq: s.Seq,
		Content: s.Content, Reasoning: s.Reasoning, Status: string(s.Status), Error: ErrorInfoOf(s.Error)}
}

// AttachmentsDroppedEvent is the event (payload AttachmentsDropped) by which
// the desktop shell hands the page files dropped on its window, kept as
// attachments.
const AttachmentsDroppedEvent = "attachments:dropped"

// AttachmentsDropped are files dropped on the window: kept, or why not.
type AttachmentsDropped struct {
	Attachments []Attachment `json:"attachments"`
	Error       string       `json:"error,omitempty"`
}

// ElsewhereEvent is the event (payload Elsewhere) by which the web shell
// tells the page that another tab took Murmur's storage over: this tab
// saves nothing more.
const ElsewhereEvent = "app:elsewhere"

// Elsewhere says why this tab stopped.
type Elsewhere struct {
	Message string `json:"message"`
}
