package llm

import (
	"fmt"
	"strings"
	"time"

	"murmur/backend/conversation"
)

// ErrorKind classifies an *Error so the UI can react (ask for a key, show an
// upgrade link, offer a retry).
type ErrorKind string

// Error kinds.
const (
	KindConfig         ErrorKind = "config"          // bad provider or request; fix settings
	KindAuth           ErrorKind = "auth"            // 401: missing or wrong key
	KindPermission     ErrorKind = "permission"      // 403 that is not about a premium model
	KindPremium        ErrorKind = "premium"         // 403: the model needs a paid tier (see UpgradeURL)
	KindCredits        ErrorKind = "credits"         // 402: credit balance too low
	KindRateLimit      ErrorKind = "rate_limit"      // 429
	KindInvalidRequest ErrorKind = "invalid_request" // 400, 404, 422 and other 4xx
	KindServer         ErrorKind = "server"          // 5xx, or an error sent inside a stream
	KindNetwork        ErrorKind = "network"         // connection failed or broke
	KindTimeout        ErrorKind = "timeout"         // no headers or no data in time
	KindTruncated      ErrorKind = "truncated"       // the stream ended before a finish reason
	KindBadResponse    ErrorKind = "bad_response"    // the server sent something unreadable
	KindCanceled       ErrorKind = "canceled"        // the caller cancelled the context
)

// RateLimitInfo is what the server said about rate limits in its headers.
// Zero fields were not sent.
type RateLimitInfo struct {
	LimitMinute     int
	RemainingMinute int
	LimitDay        int
	RemainingDay    int
	// Reset is when the limit resets (X-RateLimit-Reset), zero if not sent.
	Reset time.Time
	// Tier is the account tier (X-RateLimit-Tier), e.g. "free".
	Tier string
	// LimitRequests, RemainingRequests, LimitTokens and RemainingTokens are
	// the OpenAI-style x-ratelimit-* headers.
	LimitRequests     int
	RemainingRequests int
	LimitTokens       int
	RemainingTokens   int
}

// Error is every failure the client returns. Its Error text is written for a
// person and never contains the API key.
type Error struct {
	Kind ErrorKind
	// Status is the HTTP status, 0 when no response was received (or 200 for
	// an error sent inside a stream).
	Status int
	// Message is the readable explanation, including the provider's own
	// message when it sent one.
	Message string
	// Type and Code are the provider's error type and code when sent.
	Type string
	Code string
	// RequestID is the server's request id (x-request-id and similar), if sent.
	RequestID string
	// Retryable reports whether sending the same request again may succeed.
	Retryable bool
	// RetryAfter is how long the server asked to wait, 0 if it did not say.
	RetryAfter time.Duration
	// UpgradeURL is where a premium model can be unlocked (403 premium).
	UpgradeURL string
	// RateLimit holds rate-limit headers, nil when none were sent.
	RateLimit *RateLimitInfo
	// Partial reports that some of the reply was delivered before the error.
	Partial bool
	// Err is the underlying cause, if any (network error, context error).
	Err error
}

// Error returns the readable message, with the status and request id.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Status != 0 && e.Status != 200 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request %s", e.RequestID)
		}
		b.WriteString(")")
	} else if e.RequestID != "" {
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

func configError(msg string) *Error {
	return &Error{Kind: KindConfig, Message: msg}
}

// Info returns the error in the form a conversation keeps with a failed
// message.
func (e *Error) Info() conversation.ErrorInfo {
	return conversation.ErrorInfo{Message: e.Error(), Kind: string(e.Kind), Status: e.Status,
		RequestID: e.RequestID, Retryable: e.Retryable}
}
