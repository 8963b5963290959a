package view

import (
	"time"

	"murmur/backend/attachments"
	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/store"
)

// Summary is one row of the conversation list.
type Summary struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	CreatedAt    string `json:"createdAt"`
	UpdatedAt    string `json:"updatedAt"`
	Pinned       bool   `json:"pinned"`
	Archived     bool   `json:"archived"`
	ProviderID   string `json:"providerId"`
	Model        string `json:"model"`
	MessageCount int    `json:"messageCount"`
	// Preview is the start of the last message on the current path.
	Preview string `json:"preview"`
}

// Segment is a piece of a search snippet; Match marks the words that
// matched. The UI renders segments as text, never as HTML.
type Segment struct {
	Text  string `json:"text"`
	Match bool   `json:"match"`
}

// Hit is one search result: a conversation and its best-matching message.
type Hit struct {
	Summary
	// MessageID is the message the snippet comes from; "" when the title matched.
	MessageID string    `json:"messageId"`
	Snippet   []Segment `json:"snippet"`
}

// ConversationPage is one page of the conversation list.
type ConversationPage struct {
	Items []Summary `json:"items"`
	Total int       `json:"total"`
	More  bool      `json:"more"`
}

// SearchPage is one page of search results. Capped means a very common
// word was searched: results come newest first and Total is a lower bound.
type SearchPage struct {
	Items  []Hit `json:"items"`
	Total  int   `json:"total"`
	More   bool  `json:"more"`
	Capped bool  `json:"capped"`
}

// Params are request parameters; an unset one follows the default.
type Params struct {
	Temperature      *float64 `json:"temperature,omitempty"`
	TopP             *float64 `json:"topP,omitempty"`
	MaxTokens        *int     `json:"maxTokens,omitempty"`
	PresencePenalty  *float64 `json:"presencePenalty,omitempty"`
	FrequencyPenalty *float64 `json:"frequencyPenalty,omitempty"`
	MaxLoops         *int     `json:"maxLoops,omitempty"`
}

// Usage is the token count a provider reported for a reply.
type Usage struct {
	PromptTokens     int `json:"promptTokens"`
	CompletionTokens int `json:"completionTokens"`
	TotalTokens      int `json:"totalTokens"`
}

// Timing is how long a reply took.
type Timing struct {
	FirstTokenMS int64 `json:"firstTokenMs,omitempty"`
	TotalMS      int64 `json:"totalMs,omitempty"`
}

// ErrorInfo is why a reply failed, kept with the message.
type ErrorInfo struct {
	Message   string    `json:"message"`
	Kind      ErrorKind `json:"kind,omitempty"`
	Status    int       `json:"status,omitempty"`
	RequestID string    `json:"requestId,omitempty"`
	Retryable bool      `json:"retryable,omitempty"`
}

// Message is one message of the current path, as the UI shows it.
type Message struct {
	ID           string     `json:"id"`
	ParentID     string     `json:"parentId"`
	Role         string     `json:"role"`
	Content      string     `json:"content"`
	Reasoning    string     `json:"reasoning"`
	Status       string     `json:"status"`
	Error        *ErrorInfo `json:"error,omitempty"`
	FinishReason string     `json:"finishReason,omitempty"`
	Usage        *Usage     `json:"usage,omitempty"`
	Timing       *Timing    `json:"timing,omitempty"`
	Model        string     `json:"model,omitempty"`
	CreatedAt    string     `json:"createdAt"`
	// Alternatives are the ids of this message and its siblings (regenerated
	// replies, edited prompts); Alternative is this one's position in them.
	Alternatives []string `json:"alternatives"`
	Alternative  int      `json:"alternative"`
	// Continuable says Continue may be offered.
	Continuable bool `json:"continuable"`
	// Attachments are the files the message refers to.
	Attachments []Attachment `json:"attachments"`
}

// Attachment is a file attached to a message: kept once by the store, sent
// as an image (Kind "image") or as text in a fenced block ("text").
type Attachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int64  `json:"size"`
	Kind string `json:"kind"`
}

// AttachmentData is the content of an attachment, base64, for a preview.
type AttachmentData struct {
	ID   string `json:"id"`
	MIME string `json:"mime"`
	Data string `json:"data"`
}

// AttachmentOf maps an attachment reference.
func AttachmentOf(a conversation.Attachment) Attachment {
	return Attachment{ID: a.ID, Name: a.Name, MIME: a.MIME, Size: a.Size, Kind: string(attachments.KindOf(a.MIME))}
}

// AttachmentsOf maps the attachments of some content (never nil).
func AttachmentsOf(c conversation.Content) []Attachment {
	atts := c.Attachments()
	out := make([]Attachment, 0, len(atts))
	for _, a := range atts {
		out = append(out, AttachmentOf(a))
	}
	return out
}

// Refs returns what the facade needs of the UI's attachments: their ids and
// names (the rest is read from the kept files).
func Refs(atts []Attachment) []attachments.Ref {
	out := make([]attachments.Ref, 0, len(atts))
	for _, a := range atts {
		out = append(out, attachments.Ref{ID: a.ID, Name: a.Name})
	}
	return out
}

// Conversation is a conversation with its current path.
type Conversation struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	CreatedAt    string    `json:"createdAt"`
	UpdatedAt    string    `json:"updatedAt"`
	Pinned       bool      `json:"pinned"`
	Archived     bool      `json:"archived"`
	ProviderID   string    `json:"providerId"`
	Model        string    `json:"model"`
	SystemPrompt *string   `json:"systemPrompt,omitempty"`
	Params       Params    `json:"params"`
	Messages     []Message `json:"messages"`
}

// ConversationOptions are a conversation's own provider, model, system
// prompt and parameters; empty or unset values follow the defaults.
type ConversationOptions struct {
	ProviderID   string  `json:"providerId"`
	Model        string  `json:"model"`
	SystemPrompt *string `json:"systemPrompt"`
	Params       Params  `json:"params"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SummaryOf maps a list row.
func SummaryOf(s store.Summary) Summary {
	return Summary{ID: s.ID, Title: s.Title, CreatedAt: stamp(s.CreatedAt), UpdatedAt: stamp(s.UpdatedAt),
		Pinned: s.Pinned, Archived: s.Archived, ProviderID: s.ProviderID, Model: s.Model,
		MessageCount: s.MessageCount, Preview: s.Preview}
}

// ConversationPageOf maps a page of the list.
func ConversationPageOf(p store.Page[store.Summary]) ConversationPage {
	items := make([]Summary, 0, len(p.Items))
	for _, s := range p.Items {
		items = append(items, SummaryOf(s))
	}
	return ConversationPage{Items: items, Total: p.Total, More: p.More}
}

// SearchPageOf maps a page of search results.
func SearchPageOf(p store.Page[store.Hit]) SearchPage {
	items := make([]Hit, 0, len(p.Items))
	for _, h := range p.Items {
		snip := make([]Segment, 0, len(h.Snippet))
		for _, s := range h.Snippet {
			snip = append(snip, Segment{Text: s.Text, Match: s.Match})
		}
		items = append(items, Hit{Summary: SummaryOf(h.Summary), MessageID: h.MessageID, Snippet: snip})
	}
	return SearchPage{Items: items, Total: p.Total, More: p.More, Capped: p.Capped}
}

// ParamsOf maps request parameters.
func ParamsOf(p conversation.Params) Params {
	return Params{Temperature: p.Temperature, TopP: p.TopP, MaxTokens: p.MaxTokens,
		PresencePenalty: p.PresencePenalty, FrequencyPenalty: p.FrequencyPenalty, MaxLoops: p.MaxLoops}
}

// Params returns the backend's form.
func (p Params) Params() conversation.Params {
	return conversation.Params{Temperature: p.Temperature, TopP: p.TopP, MaxTokens: p.MaxTokens,
		PresencePenalty: p.PresencePenalty, FrequencyPenalty: p.FrequencyPenalty, MaxLoops: p.MaxLoops}
}

// paramFields maps the backend's parameter names to the view's.
var paramFields = map[string]string{
	"temperature": "temperature", "top_p": "topP", "max_tokens": "maxTokens",
	"presence_penalty": "presencePenalty", "frequency_penalty": "frequencyPenalty", "max_loops": "maxLoops",
}

// ParamErrors validates parameters; the fields are named "params.<name>".
func ParamErrors(p conversation.Params) []FieldError {
	var out []FieldError
	for _, pr := range p.Validate() {
		out = append(out, FieldError{Path: "params." + paramFields[pr.Field], Message: pr.Message, Warning: pr.Warning})
	}
	return out
}

// UsageOf maps a token count (nil stays nil).
func UsageOf(u *conversation.Usage) *Usage {
	if u == nil {
		return nil
	}
	return &Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
}

// TimingOf maps a reply's timing (nil stays nil).
func TimingOf(t *conversation.Timing) *Timing {
	if t == nil {
		return nil
	}
	return &Timing{FirstTokenMS: t.FirstTokenMS, TotalMS: t.TotalMS}
}

// ErrorInfoOf maps why a reply failed (nil stays nil).
func ErrorInfoOf(e *conversation.ErrorInfo) *ErrorInfo {
	if e == nil {
		return nil
	}
	return &ErrorInfo{Message: e.Message, Kind: ErrorKind(e.Kind), Status: e.Status, RequestID: e.RequestID, Retryable: e.Retryable}
}

// ConversationOf maps a conversation and its current path.
func ConversationOf(c *conversation.Conversation) Conversation {
	v := Conversation{
		ID: c.ID, Title: c.Title, CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt),
		Pinned: c.Pinned, Archived: c.Archived, ProviderID: c.ProviderID, Model: c.Model,
		SystemPrompt: c.SystemPrompt, Params: ParamsOf(c.Params), Messages: []Message{},
	}
	for _, m := range c.Path() {
		sib := c.Siblings(m.ID)
		pos := 0
		for i, id := range sib {
			if id == m.ID {
				pos = i
			}
		}
		v.Messages = append(v.Messages, Message{
			ID: m.ID, ParentID: m.ParentID, Role: string(m.Role), Content: m.Content.PlainText(),
			Reasoning: m.Reasoning, Status: string(m.Status), Error: ErrorInfoOf(m.Error), FinishReason: m.FinishReason,
			Usage: UsageOf(m.Usage), Timing: TimingOf(m.Timing), Model: m.Model, CreatedAt: stamp(m.CreatedAt),
			Alternatives: sib, Alternative: pos,
			Continuable: m.Role == conversation.RoleAssistant && chat.Continuable(m),
			Attachments: AttachmentsOf(m.Content),
		})
	}
	return v
}
