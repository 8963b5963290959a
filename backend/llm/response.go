package llm

import "murmur/backend/conversation"

// Usage is the token usage a server reported.
type Usage = conversation.Usage

// Choice is one alternative of a non-streamed completion.
type Choice struct {
	Index        int
	Role         string
	Content      string
	Reasoning    string
	FinishReason string
}

// Completion is the reply of a non-streamed request.
type Completion struct {
	ID      string
	Model   string
	Choices []Choice
	// Usage is nil when the server did not report it.
	Usage *Usage
	// RequestID is the server's request id header, if sent.
	RequestID string
}

// Text returns the content of the first choice, or "" when there is none.
func (c *Completion) Text() string {
	if c == nil || len(c.Choices) == 0 {
		return ""
	}
	return c.Choices[0].Content
}

// EventKind is the kind of a stream event.
type EventKind uint8

// Stream event kinds.
const (
	// EventRole: Text is the role of choice Index ("assistant").
	EventRole EventKind = iota + 1
	// EventContent: Text is a piece of the answer of choice Index.
	EventContent
	// EventReasoning: Text is a piece of the reasoning of choice Index
	// (delta.reasoning_content or delta.reasoning).
	EventReasoning
	// EventRefusal: Text is a piece of a refusal message of choice Index.
	EventRefusal
	// EventFinish: Text is the finish reason of choice Index ("stop", "length"...).
	EventFinish
	// EventUsage: Usage holds the token usage; a later usage event replaces
	// an earlier one (never sum them).
	EventUsage
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventRole:
		return "role"
	case EventContent:
		return "content"
	case EventReasoning:
		return "reasoning"
	case EventRefusal:
		return "refusal"
	case EventFinish:
		return "finish"
	case EventUsage:
		return "usage"
	}
	return "unknown"
}

// Event is one thing a stream delivered.
type Event struct {
	Kind EventKind
	// Index is the choice index (0 unless n > 1).
	Index int
	// Text is the delta text, the role or the finish reason, per Kind.
	Text string
	// Usage is set for EventUsage.
	Usage Usage
}

// Model is one entry of a model list.
type Model struct {
	ID      string `json:"id"`
	OwnedBy string `json:"owned_by,omitempty"`
	// Created is a unix time, 0 when unknown.
	Created int64 `json:"created,omitempty"`
}

// Credits is the Swarms credit balance (/v1/account/credits).
type Credits struct {
	Credit          float64 `json:"credit"`
	FreeCredit      float64 `json:"free_credit"`
	ReferralCredits float64 `json:"referral_credits"`
	TotalCredits    float64 `json:"total_credits"`
}

// RateWindow is the usage of one rate-limit window.
type RateWindow struct {
	Count     int    `json:"count"`
	Limit     int    `json:"limit"`
	Exceeded  bool   `json:"exceeded"`
	Remaining int    `json:"remaining"`
	ResetTime string `json:"reset_time"`
}

// RateLimits is the Swarms rate-limit status (/v1/rate/limits).
type RateLimits struct {
	Minute RateWindow
	Hour   RateWindow
	Day    RateWindow
	Tier   string
}
