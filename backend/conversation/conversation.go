package conversation

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Format names the document type; SchemaVersion is bumped on every
// incompatible change and readers migrate older versions.
const (
	Format        = "murmur.conversation"
	SchemaVersion = 1
)

// Role is the author of a message.
type Role string

// The roles a message may have.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleSystem, RoleUser, RoleAssistant:
		return true
	}
	return false
}

// Status is the lifecycle state of a message.
type Status string

// The states a message may be in. A message left StatusStreaming by a crash
// becomes StatusInterrupted at the next open.
const (
	StatusComplete    Status = "complete"
	StatusStreaming   Status = "streaming"
	StatusStopped     Status = "stopped"
	StatusInterrupted Status = "interrupted"
	StatusError       Status = "error"
)

// Valid reports whether s is one of the known states.
func (s Status) Valid() bool {
	switch s {
	case StatusComplete, StatusStreaming, StatusStopped, StatusInterrupted, StatusError:
		return true
	}
	return false
}

// NewID returns a new time-sortable, collision-free id (UUIDv7).
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether id has the form of an id this package makes: a
// canonical UUID. Ids name files, so nothing else is accepted.
func ValidID(id string) bool {
	if len(id) != 36 {
		return false
	}
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}

// Usage is the token count a provider reported for one reply.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Timing records how long a reply took.
type Timing struct {
	FirstTokenMS int64 `json:"first_token_ms,omitempty"`
	TotalMS      int64 `json:"total_ms,omitempty"`
}

// ErrorInfo is the readable form of a failed reply, kept with the message.
type ErrorInfo struct {
	Message   string `json:"message"`
	Kind      string `json:"kind,omitempty"`
	Status    int    `json:"status,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Retryable bool   `json:"retryable,omitempty"`
}

// Message is one node of the conversation tree.
type Message struct {
	ID           string     `json:"id"`
	ParentID     string     `json:"parent_id,omitempty"`
	Role         Role       `json:"role"`
	Content      Content    `json:"content"`
	Reasoning    string     `json:"reasoning,omitempty"`
	Status       Status     `json:"status"`
	Error        *ErrorInfo `json:"error,omitempty"`
	FinishReason string     `json:"finish_reason,omitempty"`
	Usage        *Usage     `json:"usage,omitempty"`
	Timing       *Timing    `json:"timing,omitempty"`
	Model        string     `json:"model,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`

	// Extra holds fields this version does not know, so that they survive a
	// read-modify-write round trip.
	Extra map[string]json.RawMessage `json:"-"`
}

// Conversation is one conversation document.
type Conversation struct {
	Format       string    `json:"format"`
	Version      int       `json:"version"`
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Pinned       bool      `json:"pinned,omitempty"`
	Archived     bool      `json:"archived,omitempty"`
	ProviderID   string    `json:"provider_id,omitempty"`
	Model        string    `json:"model,omitempty"`
	SystemPrompt *string   `json:"system_prompt,omitempty"`
	Params       Params    `json:"params"`
	// Source is where an imported conversation came from; nil for one made
	// in Murmur.
	Source *Source `json:"source,omitempty"`
	// CurrentID is the leaf of the current path through the message tree.
	CurrentID string    `json:"current_id,omitempty"`
	Messages  []Message `json:"messages"`

	Extra map[string]json.RawMessage `json:"-"`
}

// New returns an empty conversation with a fresh id, stamped at now.
func New(now time.Time) *Conversation {
	now = now.UTC()
	return &Conversation{
		Format:    Format,
		Version:   SchemaVersion,
		ID:        NewID(),
		CreatedAt: now,
		UpdatedAt: now,
		Messages:  []Message{},
	}
}

// Index returns the position of the message with the given id, or -1.
func (c *Conversation) Index(id string) int {
	for i := range c.Messages {
		if c.Messages[i].ID == id {
			return i
		}
	}
	return -1
}

// Message returns the message with the given id, or nil.
func (c *Conversation) Message(id string) *Message {
	if i := c.Index(id); i >= 0 {
		return &c.Messages[i]
	}
	return nil
}

// Children returns the ids of the direct children of parentID ("" for the
// roots) in the order they were added.
func (c *Conversation) Children(parentID string) []string {
	var ids []string
	for i := range c.Messages {
		if c.Messages[i].ParentID == parentID {
			ids = append(ids, c.Messages[i].ID)
		}
	}
	return ids
}

// Path returns the messages from the root to the current leaf, in order.
// A conversation without CurrentID follows the last-added child at each level.
func (c *Conversation) Path() []Message {
	leaf := c.CurrentID
	if leaf == "" || c.Index(leaf) < 0 {
		leaf = c.deepestFrom("")
	}
	var rev []Message
	seen := make(map[string]bool)
	for id := leaf; id != "" && !seen[id]; {
		seen[id] = true
		m := c.Message(id)
		if m == nil {
			break
		}
		rev = append(rev, *m)
		id = m.ParentID
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// deepestFrom follows the most recently added child from parentID down to a
// leaf and returns that leaf's id ("" when parentID has no children).
func (c *Conversation) deepestFrom(parentID string) string {
	leaf := ""
	seen := make(map[string]bool)
	for id := parentID; !seen[id]; {
		seen[id] = true
		kids := c.Children(id)
		if len(kids) == 0 {
			break
		}
		id = kids[len(kids)-1]
		leaf = id
	}
	if leaf == "" && parentID != "" {
		return parentID
	}
	return leaf
}

// Append adds m as a child of the current leaf (m.ParentID is set), makes it
// the current leaf, and returns a pointer to the stored copy.
func (c *Conversation) Append(m Message) *Message {
	if p := c.Path(); len(p) > 0 {
		m.ParentID = p[len(p)-1].ID
	}
	return c.AddChild(m)
}

// AddChild adds m under m.ParentID as a new alternative, makes it the
// current leaf and returns a pointer to the stored copy.
func (c *Conversation) AddChild(m Message) *Message {
	if m.ID == "" {
		m.ID = NewID()
	}
	c.Messages = append(c.Messages, m)
	c.CurrentID = m.ID
	return &c.Messages[len(c.Messages)-1]
}

// Siblings returns the ids of the alternatives of message id (itself
// included), in the order they were added.
func (c *Conversation) Siblings(id string) []string {
	m := c.Message(id)
	if m == nil {
		return nil
	}
	return c.Children(m.ParentID)
}

// Select makes the path run through message id: the new current leaf is the
// most recent descendant of id.
func (c *Conversation) Select(id string) error {
	if c.Index(id) < 0 {
		return fmt.Errorf("select message %s: no such message in conversation %s", id, c.ID)
	}
	c.CurrentID = c.deepestFrom(id)
	return nil
}

// RecoverInterrupted marks every message still streaming as interrupted,
// keeping its partial text, and reports whether anything changed.
func (c *Conversation) RecoverInterrupted() bool {
	changed := false
	for i := range c.Messages {
		if c.Messages[i].Status == StatusStreaming {
			c.Messages[i].Status = StatusInterrupted
			changed = true
		}
	}
	return changed
}

// Text returns all message text of the conversation (every branch), for
// full-text indexing.
func (c *Conversation) Text() string {
	var b strings.Builder
	for i := range c.Messages {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Messages[i].Content.PlainText())
	}
	return b.String()
}

// Limits bound what Validate accepts from an untrusted document.
const (
	MaxMessages   = 100_000
	MaxTitleBytes = 1_000
	MaxIDBytes    = 200
)

// ErrInvalid wraps every validation failure.
var ErrInvalid = errors.New("invalid conversation")

// ErrNewerVersion marks a document of a schema version newer than this
// Murmur reads: not damaged, only not understood. Readers leave it alone.
var ErrNewerVersion = errors.New("written by a newer version of Murmur")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate checks a document read from disk or an import: the format and
// version, a valid id, valid roles and states, unique message ids, parents
// that exist, no cycles, valid UTF-8 text. It does not change c.
func (c *Conversation) Validate() error {
	if c.Format != Format {
		return invalid("format is %q, want %q", c.Format, Format)
	}
	if c.Version > SchemaVersion {
		return fmt.Errorf("%w: %w: schema version %d (this Murmur reads 1 to %d); update Murmur to open it",
			ErrInvalid, ErrNewerVersion, c.Version, SchemaVersion)
	}
	if c.Version < 1 {
		return invalid("schema version %d is not supported (this Murmur reads 1 to %d)", c.Version, SchemaVersion)
	}
	if !ValidID(c.ID) {
		return invalid("id %q is not a Murmur id", truncate(c.ID, 60))
	}
	if len(c.Title) > MaxTitleBytes || !utf8.ValidString(c.Title) {
		return invalid("title is not valid UTF-8 of at most %d bytes", MaxTitleBytes)
	}
	if c.Source != nil {
		if err := c.Source.validate(); err != nil {
			return invalid("%v", err)
		}
	}
	if len(c.Messages) > MaxMessages {
		return invalid("%d messages is more than the %d allowed", len(c.Messages), MaxMessages)
	}
	ids := make(map[string]int, len(c.Messages))
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.ID == "" || len(m.ID) > MaxIDBytes || !utf8.ValidString(m.ID) {
			return invalid("message %d has an empty id or one longer than %d bytes", i, MaxIDBytes)
		}
		if _, dup := ids[m.ID]; dup {
			return invalid("message id %q appears twice", truncate(m.ID, 60))
		}
		ids[m.ID] = i
		if !m.Role.Valid() {
			return invalid("message %q has unknown role %q", truncate(m.ID, 60), truncate(string(m.Role), 30))
		}
		if !m.Status.Valid() {
			return invalid("message %q has unknown status %q", truncate(m.ID, 60), truncate(string(m.Status), 30))
		}
		if err := m.Content.validate(); err != nil {
			return invalid("message %q: %v", truncate(m.ID, 60), err)
		}
		if !utf8.ValidString(m.Reasoning) {
			return invalid("message %q: reasoning is not valid UTF-8", truncate(m.ID, 60))
		}
	}
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.ParentID == "" {
			continue
		}
		if _, ok := ids[m.ParentID]; !ok {
			return invalid("message %q names a parent %q that does not exist", truncate(m.ID, 60), truncate(m.ParentID, 60))
		}
	}
	// Cycle check: walk up from every message; a walk longer than the
	// message count means a cycle.
	depthKnown := make(map[string]bool, len(c.Messages))
	for i := range c.Messages {
		var walked []string
		id := c.Messages[i].ID
		for id != "" && !depthKnown[id] {
			walked = append(walked, id)
			if len(walked) > len(c.Messages) {
				return invalid("the message tree has a cycle")
			}
			id = c.Messages[ids[id]].ParentID
		}
		for _, w := range walked {
			depthKnown[w] = true
		}
	}
	if c.CurrentID != "" {
		if _, ok := ids[c.CurrentID]; !ok {
			return invalid("current message %q does not exist", truncate(c.CurrentID, 60))
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
