package chat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"murmur/backend/conversation"
	"murmur/backend/llm"
)

// Store is what the engine needs of the conversation store.
type Store interface {
	Get(ctx context.Context, id string) (*conversation.Conversation, error)
	Save(ctx context.Context, c *conversation.Conversation) error
	UpdateMessage(ctx context.Context, convID string, m conversation.Message) error
	// Update is a locked read-modify-write of one conversation; nothing is
	// written when fn fails.
	Update(ctx context.Context, id string, fn func(*conversation.Conversation) error) error
	// Attachment returns the bytes of a kept attachment.
	Attachment(ctx context.Context, id string) ([]byte, error)
}

// Client is what the engine needs of the OpenAI-compatible client
// (*llm.Client).
type Client interface {
	Stream(ctx context.Context, p llm.Provider, key string, req *llm.Request) (*llm.Stream, error)
	Complete(ctx context.Context, p llm.Provider, key string, req *llm.Request) (*llm.Completion, error)
}

// Target is everything needed to send a conversation to a model: the
// provider and its key, the model, and the effective parameters (the
// conversation's overrides over the defaults in settings).
type Target struct {
	Provider llm.Provider
	Key      string
	Model    string
	Params   conversation.Params
	// SystemPrompt is sent first when not empty.
	SystemPrompt string
	// HistoryLimit is how many past messages to send (the new prompt
	// included); 0 sends them all.
	HistoryLimit int
	// Stream selects streaming; false sends one request and waits.
	Stream bool
	// SupportsMaxLoops says the provider understands the Swarms max_loops
	// extension; otherwise it is not sent.
	SupportsMaxLoops bool
	// StreamUsage asks a streaming server for a final usage chunk
	// (stream_options.include_usage); not every server accepts it.
	StreamUsage bool
	// AutoTitle asks the model for a short title after the first reply.
	AutoTitle bool
}

// Resolver returns the target for a conversation. The desktop shell builds
// it from settings and the keychain.
type Resolver func(ctx context.Context, c *conversation.Conversation) (Target, error)

// Timing knobs of the engine; zero values take the defaults.
type Timing struct {
	// Coalesce is the shortest time between two delta events of one stream.
	Coalesce time.Duration
	// MaxPending is the number of bytes that flushes deltas at once.
	MaxPending int
	// Checkpoint is the longest time a partial reply stays unsaved.
	Checkpoint time.Duration
	// TitleTimeout bounds the auto-title request.
	TitleTimeout time.Duration
}

// Defaults of Timing.
const (
	DefaultCoalesce     = 25 * time.Millisecond
	DefaultMaxPending   = 16 << 10
	DefaultCheckpoint   = 750 * time.Millisecond
	DefaultTitleTimeout = 90 * time.Second
)

// Option configures an Engine.
type Option func(*Engine)

// WithClock injects the clock (tests).
func WithClock(c Clock) Option { return func(e *Engine) { e.clock = c } }

// WithTiming overrides coalescing and checkpoint intervals.
func WithTiming(t Timing) Option { return func(e *Engine) { e.timing = t } }

// WithLogger sets the logger; it never receives message text or keys.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// Engine runs conversations: it persists prompts, streams replies into the
// store and emits coalesced events. It is safe for concurrent use.
type Engine struct {
	store   Store
	client  Client
	resolve Resolver
	emit    Emitter
	clock   Clock
	timing  Timing
	log     *slog.Logger

	mu      sync.Mutex
	streams map[string]*run // by stream id
	busy    map[string]string
	done    map[string]Snapshot // finished streams, for late subscribers
	order   []string            // finished stream ids, oldest first
	wg      sync.WaitGroup
}

// maxFinished is how many finished streams keep their snapshot.
const maxFinished = 64

// Errors the engine returns; callers test them with errors.Is.
var (
	ErrBusy        = errors.New("a reply is still being written in this conversation")
	ErrNoStream    = errors.New("no such reply is being written")
	ErrEmptyPrompt = errors.New("the message is empty")
	ErrNotFound    = errors.New("no such message in this conversation")
	ErrWrongRole   = errors.New("that message cannot be used for this")
	// errStopped is the cancel cause of a user's Stop.
	errStopped = errors.New("stopped by the user")
)

// New returns an engine over the given store, client and resolver, emitting
// through emit.
func New(store Store, client Client, resolve Resolver, emit Emitter, opts ...Option) *Engine {
	e := &Engine{
		store:   store,
		client:  client,
		resolve: resolve,
		emit:    emit,
		clock:   systemClock{},
		log:     slog.New(slog.DiscardHandler),
		streams: make(map[string]*run),
		busy:    make(map[string]string),
		done:    make(map[string]Snapshot),
	}
	for _, o := range opts {
		o(e)
	}
	if e.timing.Coalesce <= 0 {
		e.timing.Coalesce = DefaultCoalesce
	}
	if e.timing.MaxPending <= 0 {
		e.timing.MaxPending = DefaultMaxPending
	}
	if e.timing.Checkpoint <= 0 {
		e.timing.Checkpoint = DefaultCheckpoint
	}
	if e.timing.TitleTimeout <= 0 {
		e.timing.TitleTimeout = DefaultTitleTimeout
	}
	return e
}

// Started describes a reply that is now being written.
type Started struct {
	StreamID           string `json:"streamId"`
	Event              string `json:"event"`
	ConversationID     string `json:"conversationId"`
	UserMessageID      string `json:"userMessageId"`
	AssistantMessageID string `json:"assistantMessageId"`
}

// NewConversation creates and saves an empty conversation.
func (e *Engine) NewConversation(ctx context.Context) (*conversation.Conversation, error) {
	c := conversation.New(e.clock.Now())
	if err := e.store.Save(ctx, c); err != nil {
		return nil, fmt.Errorf("create conversation: %w", err)
	}
	return c, nil
}

// Send adds a user message (text and attachments, one of them at least) at
// the end of the current path of conversation convID (a new conversation
// when convID is empty), persists it, and starts the reply. ctx bounds the
// whole reply: cancelling it (the app quitting) leaves the reply
// interrupted.
func (e *Engine) Send(ctx context.Context, convID, text string, atts []conversation.Attachment) (Started, error) {
	if strings.TrimSpace(text) == "" && len(atts) == 0 {
		return Started{}, ErrEmptyPrompt
	}
	return e.start(ctx, "send", convID, true, func(c *conversation.Conversation) (string, error) {
		if c.Title == "" {
			c.Title = promptTitle(text, atts)
		}
		u := c.Append(conversation.Message{
			Role: conversation.RoleUser, Content: PromptContent(text, atts),
			Status: conversation.StatusComplete, CreatedAt: e.clock.Now().UTC(),
		})
		return u.ID, nil
	})
}

// PromptContent is the content of a prompt: its text, and its attachments
// as parts after it.
func PromptContent(text string, atts []conversation.Attachment) conversation.Content {
	if len(atts) == 0 {
		return conversation.TextContent(text)
	}
	parts := make([]conversation.Part, 0, len(atts)+1)
	if strings.TrimSpace(text) != "" {
		parts = append(parts, conversation.Part{Type: conversation.PartText, Text: text})
	}
	for i := range atts {
		a := atts[i]
		parts = append(parts, conversation.Part{Type: conversation.PartAttachment, Attachment: &a})
	}
	return conversation.Content{Parts: parts}
}

// promptTitle is the first title of a conversation: the prompt's first
// words, or the first attachment's name.
func promptTitle(text string, atts []conversation.Attachment) string {
	if strings.TrimSpace(text) == "" && len(atts) > 0 {
		return FallbackTitle(atts[0].Name)
	}
	return FallbackTitle(text)
}

// Regenerate writes a new reply to the prompt that assistantID answered (or
// to the prompt itself, when given a user message, e.g. one saved while no
// key was set). The old reply stays as an alternative.
func (e *Engine) Regenerate(ctx context.Context, convID, assistantID string) (Started, error) {
	return e.start(ctx, "regenerate", convID, false, func(c *conversation.Conversation) (string, error) {
		m := c.Message(assistantID)
		if m == nil {
			return "", ErrNotFound
		}
		switch {
		case m.Role == conversation.RoleUser:
			// A prompt that was saved but never answered (or answered
			// before): a new reply under it.
			c.CurrentID = m.ID
			return m.ID, nil
		case m.Role == conversation.RoleAssistant && m.ParentID != "":
			c.CurrentID = m.ParentID // the new reply hangs off the same prompt
			return m.ParentID, nil
		}
		return "", fmt.Errorf("%w: only a reply or a prompt can be answered again", ErrWrongRole)
	})
}

// Edit adds a new alternative of the user message userID (same parent)
// with text and attachments, and writes a reply to it. The original stays
// as an alternative.
func (e *Engine) Edit(ctx context.Context, convID, userID, text string, atts []conversation.Attachment) (Started, error) {
	if strings.TrimSpace(text) == "" && len(atts) == 0 {
		return Started{}, ErrEmptyPrompt
	}
	return e.start(ctx, "edit", convID, true, func(c *conversation.Conversation) (string, error) {
		m := c.Message(userID)
		if m == nil {
			return "", ErrNotFound
		}
		if m.Role != conversation.RoleUser {
			return "", fmt.Errorf("%w: only your own messages can be edited", ErrWrongRole)
		}
		u := c.AddChild(conversation.Message{
			ParentID: m.ParentID, Role: conversation.RoleUser, Content: PromptContent(text, atts),
			Status: conversation.StatusComplete, CreatedAt: e.clock.Now().UTC(),
		})
		return u.ID, nil
	})
}

// Switch makes the current path run through messageID (an alternative) and
// saves the choice.
func (e *Engine) Switch(ctx context.Context, convID, messageID string) (*conversation.Conversation, error) {
	c, err := e.Modify(ctx, convID, func(c *conversation.Conversation) error {
		if c.Message(messageID) == nil {
			return ErrNotFound
		}
		return c.Select(messageID)
	})
	if err != nil {
		return nil, fmt.Errorf("switch alternative: %w", err)
	}
	return c, nil
}

// Stop ends the reply being written under streamID; its text so far is kept
// with status stopped.
func (e *Engine) Stop(streamID string) error {
	e.mu.Lock()
	r := e.streams[streamID]
	e.mu.Unlock()
	if r == nil {
		return ErrNoStream
	}
	r.cancel(errStopped)
	return nil
}

// StopConversation stops the reply being written in convID, if any.
func (e *Engine) StopConversation(convID string) error {
	e.mu.Lock()
	id := e.busy[convID]
	e.mu.Unlock()
	if id == "" {
		return ErrNoStream
	}
	return e.Stop(id)
}

// Snapshot returns what stream streamID has produced so far; finished
// streams are remembered for a while.
func (e *Engine) Snapshot(streamID string) (Snapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r := e.streams[streamID]; r != nil {
		return r.snapshot(), true
	}
	s, ok := e.done[streamID]
	return s, ok
}

// Wait blocks until every reply (and auto-title request) has finished.
func (e *Engine) Wait() { e.wg.Wait() }

// NotSentError says a prompt was saved but no request was sent (no key, no
// model): the UI should show the conversation rather than refill its input.
type NotSentError struct {
	ConversationID, MessageID string
	Err                       error
}

func (e *NotSentError) Error() string { return e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// start applies prepare (which adds or picks the prompt and returns its id)
// and creates the streaming reply under that prompt, in one locked
// read-modify-write of the stored conversation, then starts writing the
// reply. When no request can be built, a new prompt (keepPrompt) is still
// saved and a *NotSentError returned; otherwise nothing changes.
//
// The conversation is claimed first, so that a reply finishing in the same
// conversation is saved before this one reads it.
func (e *Engine) start(ctx context.Context, op, convID string, keepPrompt bool, prepare func(*conversation.Conversation) (string, error)) (Started, error) {
	var fresh *conversation.Conversation
	if convID == "" {
		fresh = conversation.New(e.clock.Now())
		convID = fresh.ID
	}
	cl, err := e.claim(convID)
	if err != nil {
		return Started{}, err
	}
	defer cl.done()

	// The target comes from a read copy: resolving may wait on the keychain,
	// which must not happen under the store's write lock.
	view := fresh
	if view == nil {
		if view, err = e.store.Get(ctx, convID); err != nil {
			return Started{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	target, rerr := e.resolve(ctx, view)
	if rerr != nil && !keepPrompt {
		return Started{}, rerr
	}

	var (
		promptID, titleFrom string
		assistant           conversation.Message
		req                 *llm.Request
	)
	apply := func(c *conversation.Conversation) error {
		var err error
		if promptID, err = prepare(c); err != nil {
			return err
		}
		now := e.clock.Now().UTC()
		c.UpdatedAt = now
		if rerr != nil {
			return nil // keep the prompt only
		}
		assistant = *c.AddChild(conversation.Message{
			ParentID: promptID, Role: conversation.RoleAssistant, Status: conversation.StatusStreaming,
			Model: target.Model, CreatedAt: now,
		})
		if c.ProviderID == "" {
			c.ProviderID = target.Provider.ID
		}
		if c.Model == "" {
			c.Model = target.Model
		}
		req = buildRequest(c, assistant.ID, target, false)
		if target.AutoTitle && countRole(c.Path(), conversation.RoleAssistant) == 1 {
			titleFrom = c.Message(promptID).Content.PlainText()
		}
		return nil
	}
	if fresh != nil {
		if err = apply(fresh); err == nil {
			err = e.store.Save(ctx, fresh)
		}
	} else {
		err = e.store.Update(ctx, convID, apply)
	}
	if err != nil {
		return Started{}, fmt.Errorf("%s: %w", op, err)
	}
	if rerr != nil {
		return Started{}, &NotSentError{ConversationID: convID, MessageID: promptID, Err: rerr}
	}

	r := e.newRun(ctx, cl.streamID, convID, assistant, target)
	r.req = req
	r.titleFrom = titleFrom
	cl.keep()
	e.launch(r)
	return Started{
		StreamID: cl.streamID, Event: EventName(cl.streamID), ConversationID: convID,
		UserMessageID: promptID, AssistantMessageID: assistant.ID,
	}, nil
}

// Continue asks the model to go on with a reply that was stopped,
// interrupted, cut at the token limit or broken off by an error; the new text
// is appended to it.
func (e *Engine) Continue(ctx context.Context, convID, assistantID string) (Started, error) {
	cl, err := e.claim(convID)
	if err != nil {
		return Started{}, err
	}
	defer cl.done()
	view, err := e.store.Get(ctx, convID)
	if err != nil {
		return Started{}, fmt.Errorf("continue: %w", err)
	}
	if m := view.Message(assistantID); m == nil {
		return Started{}, fmt.Errorf("continue: %w", ErrNotFound)
	} else if m.Role != conversation.RoleAssistant || !Continuable(*m) {
		return Started{}, fmt.Errorf("continue: %w: only a stopped, interrupted or cut-off reply can be continued", ErrWrongRole)
	}
	target, err := e.resolve(ctx, view)
	if err != nil {
		return Started{}, err
	}
	var (
		reply conversation.Message
		req   *llm.Request
	)
	err = e.store.Update(ctx, convID, func(c *conversation.Conversation) error {
		m := c.Message(assistantID)
		if m == nil {
			return ErrNotFound
		}
		if !Continuable(*m) {
			return ErrWrongRole
		}
		c.CurrentID = assistantID
		m.Status = conversation.StatusStreaming
		m.Error = nil
		m.FinishReason = ""
		c.UpdatedAt = e.clock.Now().UTC()
		reply = *m
		req = buildRequest(c, assistantID, target, true)
		return nil
	})
	if err != nil {
		return Started{}, fmt.Errorf("continue: %w", err)
	}
	r := e.newRun(ctx, cl.streamID, convID, reply, target)
	r.req = req
	cl.keep()
	e.launch(r)
	return Started{StreamID: cl.streamID, Event: EventName(cl.streamID), ConversationID: convID,
		UserMessageID: reply.ParentID, AssistantMessageID: assistantID}, nil
}

// Modify applies fn to a conversation in one locked read-modify-write, and
// fails with ErrBusy while a reply is being written in it: changes to the
// conversation's options or tree must not race a reply. Like a rename, it
// leaves UpdatedAt alone, so the list order does not change.
func (e *Engine) Modify(ctx context.Context, convID string, fn func(*conversation.Conversation) error) (*conversation.Conversation, error) {
	cl, err := e.claim(convID)
	if err != nil {
		return nil, err
	}
	defer cl.done()
	var out *conversation.Conversation
	err = e.store.Update(ctx, convID, func(c *conversation.Conversation) error {
		if err := fn(c); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// Continuable reports whether a reply can be continued.
func Continuable(m conversation.Message) bool {
	switch m.Status {
	case conversation.StatusStopped, conversation.StatusInterrupted:
		return true
	case conversation.StatusComplete:
		return m.FinishReason == "length"
	case conversation.StatusError:
		// A reply broken off mid-way (a dropped connection, a server error
		// after some text) keeps its text and can go on from it.
		return strings.TrimSpace(m.Content.PlainText()) != ""
	}
	return false
}

// claim is a conversation reserved for one stream: no other reply or
// change of the message tree may start in it until the claim ends.
type claim struct {
	e                *Engine
	convID, streamID string
	kept             bool
}

// claim reserves convID for a new stream id, or fails with ErrBusy.
func (e *Engine) claim(convID string) (*claim, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.busy[convID]; ok {
		return nil, ErrBusy
	}
	cl := &claim{e: e, convID: convID, streamID: conversation.NewID()}
	e.busy[convID] = cl.streamID
	return cl, nil
}

// keep hands the claim to the stream, which ends it when it finishes.
func (cl *claim) keep() { cl.kept = true }

// done ends the claim unless a stream took it over.
func (cl *claim) done() {
	if cl.kept {
		return
	}
	cl.e.mu.Lock()
	defer cl.e.mu.Unlock()
	if cl.e.busy[cl.convID] == cl.streamID {
		delete(cl.e.busy, cl.convID)
	}
}

func (e *Engine) launch(r *run) {
	e.mu.Lock()
	e.streams[r.streamID] = r
	e.mu.Unlock()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		r.execute()
		e.mu.Lock()
		delete(e.streams, r.streamID)
		delete(e.busy, r.convID)
		e.done[r.streamID] = r.snapshot()
		e.order = append(e.order, r.streamID)
		if len(e.order) > maxFinished {
			delete(e.done, e.order[0])
			e.order = e.order[1:]
		}
		e.mu.Unlock()
		if r.titleFrom != "" && r.msg.Status == conversation.StatusComplete {
			e.autoTitle(r)
		}
	}()
}

func countRole(path []conversation.Message, role conversation.Role) int {
	n := 0
	for _, m := range path {
		if m.Role == role {
			n++
		}
	}
	return n
}

// continuePrompt is sent after a partial reply to ask for the rest.
const continuePrompt = "Continue your previous reply exactly where it stopped. Do not repeat what you already wrote."

// buildRequest builds the request for the reply replyID of c: the system
// prompt, then the path up to (not including) the reply, limited to the
// history limit. With cont, the partial reply and a request to continue it
// are sent too.
func buildRequest(c *conversation.Conversation, replyID string, t Target, cont bool) *llm.Request {
	var history []llm.Message
	for _, m := range c.Path() {
		if m.ID == replyID {
			if cont && m.Content.PlainText() != "" {
				history = append(history, llm.TextMessage(llm.RoleAssistant, m.Content.PlainText()),
					llm.TextMessage(llm.RoleUser, continuePrompt))
			}
			break
		}
		if !sendable(m) {
			continue
		}
		history = append(history, llm.Message{Role: string(m.Role), Content: m.Content})
	}
	if t.HistoryLimit > 0 && len(history) > t.HistoryLimit {
		history = history[len(history)-t.HistoryLimit:]
		// Never start the history with a reply: the model would see an answer without its question.
		for len(history) > 1 && history[0].Role == llm.RoleAssistant {
			history = history[1:]
		}
	}
	msgs := make([]llm.Message, 0, len(history)+1)
	if sp := strings.TrimSpace(t.SystemPrompt); sp != "" {
		msgs = append(msgs, llm.TextMessage(llm.RoleSystem, t.SystemPrompt))
	}
	msgs = append(msgs, history...)
	req := &llm.Request{
		Model:            t.Model,
		Messages:         msgs,
		Temperature:      t.Params.Temperature,
		TopP:             t.Params.TopP,
		MaxTokens:        t.Params.MaxTokens,
		PresencePenalty:  t.Params.PresencePenalty,
		FrequencyPenalty: t.Params.FrequencyPenalty,
	}
	if t.SupportsMaxLoops {
		req.MaxLoops = t.Params.MaxLoops
	}
	if t.Stream && t.StreamUsage {
		req.StreamOptions = &llm.StreamOptions{IncludeUsage: true}
	}
	return req
}

// sendable reports whether a message of the path belongs in a request: user
// and system messages, and replies with text (a reply broken off by an error
// keeps what it said).
func sendable(m conversation.Message) bool {
	switch m.Role {
	case conversation.RoleUser, conversation.RoleSystem:
		return true
	case conversation.RoleAssistant:
		return strings.TrimSpace(m.Content.PlainText()) != ""
	}
	return false
}
