package view

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"murmur/backend/attachments"
	"murmur/backend/chat"
	"murmur/backend/links"
	"murmur/backend/llm"
	"murmur/backend/providers"
	"murmur/backend/secrets"
	"murmur/backend/settings"
	"murmur/backend/store"
)

// ErrorKind tells the UI what kind of failure an Error is, so that it can
// offer the fix (ask for a key, highlight a field, retry).
type ErrorKind string

// The error kinds. The llm kinds (rate_limit, server, …) pass through as
// they are.
const (
	KindError          ErrorKind = "error"           // anything else
	KindInvalid        ErrorKind = "invalid"         // a bad argument or setting; see Fields
	KindNotFound       ErrorKind = "not_found"       // no such conversation, message or reply
	KindBusy           ErrorKind = "busy"            // a reply is still being written there
	KindStorage        ErrorKind = "storage"         // the disk or browser storage refused a write
	KindElsewhere      ErrorKind = "elsewhere"       // another window or tab has Murmur's data open
	KindNewerVersion   ErrorKind = "newer_version"   // written by a newer Murmur
	KindCanceled       ErrorKind = "canceled"        // cancelled by the user or the app quitting
	KindUnavailable    ErrorKind = "unavailable"     // no Go side (the UI outside a shell)
	KindAuth           ErrorKind = "auth"            // a missing or wrong key
	KindConfig         ErrorKind = "config"          // a provider or model to choose
	KindPermission     ErrorKind = "permission"      // refused by the provider (403)
	KindPremium        ErrorKind = "premium"         // the model needs a paid tier; see UpgradeURL
	KindCredits        ErrorKind = "credits"         // the credit balance is too low
	KindRateLimit      ErrorKind = "rate_limit"      // too many requests
	KindInvalidRequest ErrorKind = "invalid_request" // the provider refused the request
	KindServer         ErrorKind = "server"          // the provider failed
	KindNetwork        ErrorKind = "network"         // the connection failed or broke
	KindTimeout        ErrorKind = "timeout"         // no answer in time
	KindTruncated      ErrorKind = "truncated"       // the reply was cut off
	KindBadResponse    ErrorKind = "bad_response"    // the provider sent something unreadable
)

// AllErrorKinds lists every ErrorKind with its TypeScript name, for the
// desktop shell's enum binding.
var AllErrorKinds = []struct {
	Value  ErrorKind
	TSName string
}{
	{KindError, "Error"}, {KindInvalid, "Invalid"}, {KindNotFound, "NotFound"}, {KindBusy, "Busy"},
	{KindStorage, "Storage"}, {KindElsewhere, "Elsewhere"}, {KindNewerVersion, "NewerVersion"}, {KindCanceled, "Canceled"},
	{KindUnavailable, "Unavailable"}, {KindAuth, "Auth"}, {KindConfig, "Config"},
	{KindPermission, "Permission"}, {KindPremium, "Premium"}, {KindCredits, "Credits"},
	{KindRateLimit, "RateLimit"}, {KindInvalidRequest, "InvalidRequest"}, {KindServer, "Server"},
	{KindNetwork, "Network"}, {KindTimeout, "Timeout"}, {KindTruncated, "Truncated"},
	{KindBadResponse, "BadResponse"},
}

// Error is every error the facade returns. Error() is the message for a
// person; the shells hand the whole struct to the UI.
type Error struct {
	Kind      ErrorKind    `json:"kind"`
	Message   string       `json:"message"`
	Fields    []FieldError `json:"fields,omitempty"`
	Status    int          `json:"status,omitempty"`
	RequestID string       `json:"requestId,omitempty"`
	Retryable bool         `json:"retryable,omitempty"`
	// UpgradeURL is where a premium model can be unlocked.
	UpgradeURL string `json:"upgradeUrl,omitempty"`
	// ProviderID names the provider the error is about, when there is one.
	ProviderID string `json:"providerId,omitempty"`
	// ConversationID and MessageID name a prompt that was saved although
	// it could not be sent: the UI shows it instead of refilling its input.
	ConversationID string `json:"conversationId,omitempty"`
	MessageID      string `json:"messageId,omitempty"`
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Invalid is the error of a bad argument: field names it for the UI.
func Invalid(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: KindInvalid, Message: upperFirst(msg) + ".", Fields: []FieldError{{Path: field, Message: msg}}}
}

// Readable returns the message of err for a person (the CLI prints this).
func Readable(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// FromError turns an error from the backend into an *Error (nil stays
// nil). op says what was being done, for errors that do not say it.
func FromError(op string, err error) error {
	if err == nil {
		return nil
	}
	return fromError(op, err)
}

func fromError(op string, err error) *Error {
	var ns *chat.NotSentError
	if errors.As(err, &ns) {
		out := *fromError(op, ns.Err)
		out.ConversationID, out.MessageID = ns.ConversationID, ns.MessageID
		return &out
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pe *providers.Error
	if errors.As(err, &pe) {
		out := &Error{Message: upperFirst(pe.Message), ProviderID: pe.ProviderID}
		switch pe.Kind {
		case providers.KindUnknown:
			out.Kind, out.Message = KindInvalid, upperFirst(pe.Message)+"."
			out.Fields = []FieldError{{Path: "providerId", Message: pe.Message}}
		case providers.KindNoKey, providers.KindEnvKeyMoved:
			out.Kind = KindAuth
		default:
			out.Kind = KindConfig
		}
		return out
	}
	var ae *attachments.Error
	if errors.As(err, &ae) {
		return &Error{Kind: KindInvalid, Message: upperFirst(ae.Reason) + ".", Fields: []FieldError{{Path: "attachments", Message: ae.Reason}}}
	}
	var lk *links.Error
	if errors.As(err, &lk) {
		return &Error{Kind: KindInvalid, Message: upperFirst(lk.Reason) + ".", Fields: []FieldError{{Path: "url", Message: lk.Reason}}}
	}
	var le *llm.Error
	if errors.As(err, &le) {
		return &Error{Kind: ErrorKind(le.Kind), Message: le.Error(), Status: le.Status, RequestID: le.RequestID,
			Retryable: le.Retryable, UpgradeURL: le.UpgradeURL}
	}
	var ve *settings.ValidationError
	if errors.As(err, &ve) {
		errs := FieldErrorsOf(settings.Errors(ve.Problems))
		msg := "Some settings need fixing."
		if len(errs) > 0 {
			msg = "Some settings need fixing: " + errs[0].Message
		}
		return &Error{Kind: KindInvalid, Message: msg, Fields: errs}
	}
	kind := KindError
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, chat.ErrNotFound), errors.Is(err, chat.ErrNoStream):
		kind = KindNotFound
	case errors.Is(err, chat.ErrBusy):
		kind = KindBusy
	case errors.Is(err, chat.ErrEmptyPrompt), errors.Is(err, chat.ErrWrongRole), errors.Is(err, store.ErrInvalidID),
		errors.Is(err, secrets.ErrTooLarge), errors.Is(err, store.ErrTooLarge):
		kind = KindInvalid
	case errors.Is(err, store.ErrLocked):
		kind = KindElsewhere
	case errors.Is(err, store.ErrDiskFull), errors.Is(err, store.ErrReadOnly), errors.Is(err, store.ErrPermission),
		errors.Is(err, store.ErrCorrupt):
		kind = KindStorage
	case errors.Is(err, store.ErrNewerVersion):
		kind = KindNewerVersion
	case errors.Is(err, context.Canceled):
		kind = KindCanceled
	}
	if why, ok := store.Explain(err); ok {
		return &Error{Kind: kind, Message: upperFirst(op) + ": " + why + "."}
	}
	return &Error{Kind: kind, Message: upperFirst(op) + ": " + err.Error()}
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

// Clip shortens s to n characters for a message.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
