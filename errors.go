package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"murmur/backend/chat"
	"murmur/backend/llm"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// UIError is every error the facade returns. Through the Wails bindings it
// reaches the UI as its JSON text, which the frontend parses back; Kind lets
// the UI react (ask for a key, highlight a field, offer a retry).
type UIError struct {
	Kind      string                `json:"kind"`
	Message   string                `json:"message"`
	Fields    []settings.FieldError `json:"fields,omitempty"`
	Status    int                   `json:"status,omitempty"`
	RequestID string                `json:"requestId,omitempty"`
	Retryable bool                  `json:"retryable,omitempty"`
	// UpgradeURL is where a premium model can be unlocked.
	UpgradeURL string `json:"upgradeUrl,omitempty"`
	// ConversationID and MessageID name a prompt that was saved although
	// it could not be sent: the UI shows it instead of refilling its input.
	ConversationID string `json:"conversationId,omitempty"`
	MessageID      string `json:"messageId,omitempty"`
}

// Error returns the JSON form, which the frontend parses.
func (e *UIError) Error() string {
	b, err := json.Marshal(e)
	if err != nil {
		return e.Message
	}
	return string(b)
}

// Readable returns the message for a person (the CLI prints this).
func Readable(err error) string {
	var ue *UIError
	if errors.As(err, &ue) {
		return ue.Message
	}
	return err.Error()
}

func invalidf(field, format string, args ...any) *UIError {
	msg := fmt.Sprintf(format, args...)
	return &UIError{Kind: "invalid", Message: upperFirst(msg) + ".", Fields: []settings.FieldError{{Path: field, Message: msg}}}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// uiError turns an error from the backend into a *UIError (nil stays nil).
// op says what was being done, for errors that do not say it themselves.
func uiError(op string, err error) error {
	if err == nil {
		return nil
	}
	var ns *chat.NotSentError
	if errors.As(err, &ns) {
		var inner *UIError
		errors.As(uiError(op, ns.Err), &inner)
		out := *inner
		out.ConversationID, out.MessageID = ns.ConversationID, ns.MessageID
		return &out
	}
	var ue *UIError
	if errors.As(err, &ue) {
		return ue
	}
	var le *llm.Error
	if errors.As(err, &le) {
		return &UIError{Kind: string(le.Kind), Message: le.Error(), Status: le.Status, RequestID: le.RequestID,
			Retryable: le.Retryable, UpgradeURL: le.UpgradeURL}
	}
	var ve *settings.ValidationError
	if errors.As(err, &ve) {
		errs := settings.Errors(ve.Problems)
		msg := "Some settings need fixing."
		if len(errs) > 0 {
			msg = "Some settings need fixing: " + errs[0].Message
		}
		return &UIError{Kind: "invalid", Message: msg, Fields: errs}
	}
	kind := "error"
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, chat.ErrNotFound), errors.Is(err, chat.ErrNoStream):
		kind = "not_found"
	case errors.Is(err, chat.ErrBusy):
		kind = "busy"
	case errors.Is(err, chat.ErrEmptyPrompt), errors.Is(err, chat.ErrWrongRole), errors.Is(err, store.ErrInvalidID),
		errors.Is(err, secrets.ErrTooLarge):
		kind = "invalid"
	case errors.Is(err, store.ErrDiskFull), errors.Is(err, store.ErrReadOnly), errors.Is(err, store.ErrPermission),
		errors.Is(err, store.ErrLocked), errors.Is(err, store.ErrCorrupt):
		kind = "storage"
	case errors.Is(err, store.ErrNewerVersion):
		kind = "newer_version"
	case errors.Is(err, context.Canceled):
		kind = "canceled"
	}
	return &UIError{Kind: kind, Message: upperFirst(op) + ": " + err.Error()}
}
