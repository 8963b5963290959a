package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"murmur/backend/attachments"
	"murmur/backend/conversation"
	"murmur/backend/llm"
	"murmur/backend/store"
)

// persistTimeout bounds a checkpoint or final save; it runs on a context
// that is not cancelled with the reply, so a stopped or interrupted reply is
// still saved.
const persistTimeout = 10 * time.Second

// run is one reply being written.
type run struct {
	e        *Engine
	parent   context.Context // the caller's; outlives the reply
	ctx      context.Context
	cancel   context.CancelCauseFunc
	streamID string
	convID   string
	target   Target
	req      *llm.Request
	// titleFrom is the first prompt when the conversation should get an
	// auto title after this reply.
	titleFrom string

	// msg is the reply; only the run goroutine touches it until it ends.
	msg        conversation.Message
	content    strings.Builder // msg text so far (base included), flushed or not
	reasoning  strings.Builder
	pendingC   strings.Builder // not yet emitted
	pendingR   strings.Builder
	dirty      bool // changed since the last checkpoint
	lastEmit   time.Time
	start      time.Time
	firstToken time.Time

	// Guarded by e.mu: what has been emitted, for Snapshot.
	seq      uint64
	emittedC string
	emittedR string
	status   conversation.Status
	errInfo  *conversation.ErrorInfo
}

func (e *Engine) newRun(parent context.Context, streamID, convID string, msg conversation.Message, t Target) *run {
	ctx, cancel := context.WithCancelCause(parent)
	r := &run{
		e: e, parent: parent, ctx: ctx, cancel: cancel, streamID: streamID, convID: convID, target: t, msg: msg,
		status: conversation.StatusStreaming,
	}
	r.content.WriteString(msg.Content.PlainText())
	r.reasoning.WriteString(msg.Reasoning)
	r.emittedC = r.content.String()
	r.emittedR = r.reasoning.String()
	return r
}

// snapshot must be called with e.mu held.
func (r *run) snapshot() Snapshot {
	return Snapshot{
		StreamID: r.streamID, ConversationID: r.convID, MessageID: r.msg.ID, Seq: r.seq,
		Content: r.emittedC, Reasoning: r.emittedR, Status: r.status, Error: r.errInfo,
	}
}

// item is what the reader goroutine hands to the run loop.
type item struct {
	ev    llm.Event
	retry *llm.RetryNotice
	end   bool
	err   error
}

// execute writes the reply: it reads the model's events in one goroutine and
// coalesces, checkpoints and finishes in this one.
func (r *run) execute() {
	defer r.cancel(nil)
	clock := r.e.clock
	r.start = clock.Now()
	items := make(chan item, 64)
	go r.read(items)

	var flushC <-chan time.Time
	checkC := clock.After(r.e.timing.Checkpoint)
	for {
		select {
		case it := <-items:
			if it.end {
				r.finish(it.err)
				return
			}
			if it.retry != nil {
				r.retrying(*it.retry)
				continue
			}
			r.apply(it.ev)
			pending := r.pendingC.Len() + r.pendingR.Len()
			if pending == 0 {
				continue
			}
			since := clock.Now().Sub(r.lastEmit)
			switch {
			case pending >= r.e.timing.MaxPending || since >= r.e.timing.Coalesce:
				r.flush()
				flushC = nil
			case flushC == nil:
				flushC = clock.After(r.e.timing.Coalesce - since)
			}
		case <-flushC:
			flushC = nil
			r.flush()
		case <-checkC:
			if r.dirty {
				r.checkpoint()
			}
			checkC = clock.After(r.e.timing.Checkpoint)
		}
	}
}

// read runs the request and forwards its events; the last item has end set.
// Retries of the request are forwarded too, so the user sees why nothing
// arrives yet.
func (r *run) read(items chan<- item) {
	req, err := r.withAttachments()
	if err != nil {
		items <- item{end: true, err: err}
		return
	}
	ctx := llm.WithRetryTrace(r.ctx, func(n llm.RetryNotice) { items <- item{retry: &n} })
	if !r.target.Stream {
		comp, err := r.e.client.Complete(ctx, r.target.Provider, r.target.Key, req)
		if err != nil {
			items <- item{end: true, err: err}
			return
		}
		if len(comp.Choices) > 0 {
			ch := comp.Choices[0]
			if ch.Reasoning != "" {
				items <- item{ev: llm.Event{Kind: llm.EventReasoning, Text: ch.Reasoning}}
			}
			items <- item{ev: llm.Event{Kind: llm.EventContent, Text: ch.Content}}
			items <- item{ev: llm.Event{Kind: llm.EventFinish, Text: ch.FinishReason}}
		}
		if comp.Usage != nil {
			items <- item{ev: llm.Event{Kind: llm.EventUsage, Usage: *comp.Usage}}
		}
		items <- item{end: true}
		return
	}
	s, err := r.e.client.Stream(ctx, r.target.Provider, r.target.Key, req)
	if err != nil {
		items <- item{end: true, err: err}
		return
	}
	defer s.Close()
	for s.Next() {
		items <- item{ev: s.Current()}
	}
	items <- item{end: true, err: s.Err()}
}

// withAttachments returns the request with every attachment part replaced
// by what is sent for it (an image_url part, a fenced block of text); a
// message left with text alone is sent as one string, which every server
// takes.
func (r *run) withAttachments() (*llm.Request, error) {
	out := r.req
	for i, m := range r.req.Messages {
		if len(m.Content.Attachments()) == 0 {
			continue
		}
		if out == r.req {
			cp := *r.req
			cp.Messages = append([]llm.Message(nil), r.req.Messages...)
			out = &cp
		}
		parts := make([]conversation.Part, 0, len(m.Content.Parts))
		images := false
		for _, p := range m.Content.Parts {
			if p.Type != conversation.PartAttachment {
				images = images || p.Type == conversation.PartImageURL
				parts = append(parts, p)
				continue
			}
			data, err := r.e.store.Attachment(r.ctx, p.Attachment.ID)
			if err != nil {
				return nil, fmt.Errorf("the attachment %s cannot be read (%w); attach it again", p.Attachment.Name, err)
			}
			part := attachments.RequestPart(*p.Attachment, data)
			images = images || part.Type == conversation.PartImageURL
			parts = append(parts, part)
		}
		c := conversation.Content{Parts: parts}
		if !images {
			c = conversation.TextContent(c.PlainText())
		}
		out.Messages[i].Content = c
	}
	return out, nil
}

// retrying tells the UI that the request is sent again after a wait.
func (r *run) retrying(n llm.RetryNotice) {
	r.flush()
	ev := StreamEvent{Type: EventRetrying, RetryInMS: n.Wait.Milliseconds(), Attempt: n.Attempt}
	if n.Err != nil {
		info := n.Err.Info()
		ev.Error = &info
	}
	r.send(ev, func() {})
}

func (r *run) apply(ev llm.Event) {
	if ev.Index != 0 {
		return // n > 1 is never requested; ignore stray choices
	}
	switch ev.Kind {
	case llm.EventContent, llm.EventRefusal:
		r.markFirstToken()
		r.content.WriteString(ev.Text)
		r.pendingC.WriteString(ev.Text)
		r.dirty = true
	case llm.EventReasoning:
		r.markFirstToken()
		r.reasoning.WriteString(ev.Text)
		r.pendingR.WriteString(ev.Text)
		r.dirty = true
	case llm.EventFinish:
		r.msg.FinishReason = ev.Text
	case llm.EventUsage:
		u := ev.Usage
		r.msg.Usage = &u
	}
}

func (r *run) markFirstToken() {
	if r.firstToken.IsZero() {
		r.firstToken = r.e.clock.Now()
	}
}

// flush emits the pending deltas as one event.
func (r *run) flush() {
	if r.pendingC.Len() == 0 && r.pendingR.Len() == 0 {
		return
	}
	ev := StreamEvent{Type: EventDelta, Delta: r.pendingC.String(), ReasoningDelta: r.pendingR.String()}
	r.pendingC.Reset()
	r.pendingR.Reset()
	r.lastEmit = r.e.clock.Now()
	r.send(ev, func() {
		// Nothing is pending now, so the builders hold exactly what was
		// emitted. String() shares the builder's bytes without copying, and a
		// builder never rewrites bytes it already holds, so these stay valid
		// while the reply grows: no copy of the whole reply per flush.
		r.emittedC = r.content.String()
		r.emittedR = r.reasoning.String()
	})
}

// send numbers ev, updates the snapshot under the lock and emits.
func (r *run) send(ev StreamEvent, update func()) {
	r.e.mu.Lock()
	r.seq++
	ev.Seq = r.seq
	ev.StreamID = r.streamID
	ev.ConversationID = r.convID
	ev.MessageID = r.msg.ID
	update()
	r.e.mu.Unlock()
	r.e.emit.Stream(ev)
}

func (r *run) current() conversation.Message {
	m := r.msg
	m.Content = conversation.TextContent(r.content.String())
	m.Reasoning = r.reasoning.String()
	return m
}

func (r *run) checkpoint() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), persistTimeout)
	defer cancel()
	m := r.current()
	m.Status = conversation.StatusStreaming
	if err := r.e.store.UpdateMessage(ctx, r.convID, m); err != nil {
		r.e.log.Warn("checkpoint of a streaming reply failed", "conversation", r.convID, "err", err)
		return
	}
	r.dirty = false
}

// finish flushes what is pending, records how the reply ended, saves it and
// emits the terminal event.
func (r *run) finish(err error) {
	r.flush()
	now := r.e.clock.Now()
	m := r.current()
	m.Timing = &conversation.Timing{TotalMS: now.Sub(r.start).Milliseconds()}
	if !r.firstToken.IsZero() {
		m.Timing.FirstTokenMS = r.firstToken.Sub(r.start).Milliseconds()
	}
	ev := StreamEvent{FinishReason: m.FinishReason, Usage: m.Usage, Timing: m.Timing}
	switch {
	case err == nil:
		m.Status = conversation.StatusComplete
		ev.Type = EventDone
	case errors.Is(context.Cause(r.ctx), errStopped):
		m.Status = conversation.StatusStopped
		ev.Type = EventStopped
	case r.ctx.Err() != nil:
		// The app is quitting: the reply can be continued at the next start.
		m.Status = conversation.StatusInterrupted
		ev.Type = EventStopped
	default:
		m.Status = conversation.StatusError
		m.Error = errorInfo(err)
		ev.Type = EventError
		ev.Error = m.Error
	}
	r.msg = m

	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), persistTimeout)
	defer cancel()
	if serr := r.e.store.UpdateMessage(ctx, r.convID, m); serr != nil {
		r.e.log.Error("saving a finished reply failed", "conversation", r.convID, "err", serr)
		if ev.Error == nil {
			ev.Type = EventError
			why, ok := store.Explain(serr)
			if !ok {
				why = serr.Error()
			}
			ev.Error = &conversation.ErrorInfo{Message: "The reply could not be saved: " + why + ". Its text stays on screen: copy it to keep it.", Kind: "storage"}
		}
	}
	r.send(ev, func() {
		r.status = m.Status
		if ev.Type == EventError {
			// Also when only the save failed: a late subscriber must see it.
			r.status = conversation.StatusError
		}
		r.errInfo = ev.Error
	})
}

// errorInfo turns an error into the readable form kept with a message.
func errorInfo(err error) *conversation.ErrorInfo {
	var le *llm.Error
	if errors.As(err, &le) {
		info := le.Info()
		return &info
	}
	return &conversation.ErrorInfo{Message: err.Error()}
}
