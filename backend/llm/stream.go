package llm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"murmur/backend/sse"
)

// postChat validates req and posts it to the provider's chat completions
// endpoint, streamed or not, with the retries of the policy.
func (c *Client) postChat(ctx context.Context, p Provider, key string, req *Request, stream bool) (*call, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	body, err := req.body(stream, p.ExtraBody)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, p, key, "POST", "/chat/completions", body, stream)
}

// Stream sends a streamed request (stream: true is always sent) and returns
// the reply as an iterator of events once the response headers arrived.
// Errors before that (HTTP status, connection) are returned here, after the
// retries of the policy; errors later come from Stream.Err. The caller must
// Close the stream. To stop a stream from another goroutine, cancel ctx.
func (c *Client) Stream(ctx context.Context, p Provider, key string, req *Request) (*Stream, error) {
	cl, err := c.postChat(ctx, p, key, req, true)
	if err != nil {
		return nil, err
	}
	if !isEventStream(cl.resp.Header.Get("Content-Type")) && !sniffEventStream(cl) {
		// A server that ignored stream: true sent one JSON reply.
		comp, err := c.readCompletion(ctx, cl)
		if err != nil {
			return nil, err
		}
		return completedStream(comp), nil
	}
	return newStream(ctx, cl)
}

// Stream is a streamed reply. Next advances to the next event; Current
// returns it; Err reports why the stream ended early (nil after a normal
// end); Close releases the connection. A Stream is used by one goroutine.
type Stream struct {
	ctx   context.Context
	cl    *call
	dec   *sse.Decoder
	reqID string

	queue []Event
	qi    int
	cur   Event
	err   error
	done  bool

	delivered bool
	finished  bool
	id, model string
	finish    string
	usage     Usage
	hasUsage  bool
	parser    chunkParser
	roles     [4]string // last role per choice index, to drop repeats
}

func newStream(ctx context.Context, cl *call) (*Stream, error) {
	s := &Stream{
		ctx:   ctx,
		cl:    cl,
		dec:   sse.NewDecoder(cl.resp.Body, sse.WithoutUTF8Check()),
		reqID: requestID(cl.resp.Header),
		queue: make([]Event, 0, 8),
	}
	return s, nil
}

// bufferedBody is a response body read through a bufio.Reader.
type bufferedBody struct {
	*bufio.Reader
	io.Closer
}

// sniffEventStream reports whether a body sent without the event-stream
// content type starts like one (some servers label streams
// application/json or send no type). The body is kept readable.
func sniffEventStream(cl *call) bool {
	br := bufio.NewReaderSize(cl.resp.Body, 4096)
	cl.resp.Body = bufferedBody{br, cl.resp.Body}
	for n := 1; n <= 64; n++ {
		b, _ := br.Peek(n)
		if len(b) < n {
			return false
		}
		switch c := b[n-1]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || (n <= 3 && c >= 0xBB):
			continue
		case c == '{' || c == '[':
			return false
		default:
			return c == ':' || c == 'd' || c == 'e' || c == 'i' || c == 'r'
		}
	}
	return false
}

// completedStream replays a non-streamed reply as stream events.
func completedStream(c *Completion) *Stream {
	s := &Stream{done: true, reqID: c.RequestID, id: c.ID, model: c.Model}
	for _, ch := range c.Choices {
		s.queue = append(s.queue, Event{Kind: EventRole, Index: ch.Index, Text: ch.Role})
		if ch.Reasoning != "" {
			s.queue = append(s.queue, Event{Kind: EventReasoning, Index: ch.Index, Text: ch.Reasoning})
		}
		if ch.Content != "" {
			s.queue = append(s.queue, Event{Kind: EventContent, Index: ch.Index, Text: ch.Content})
		}
		if ch.FinishReason != "" {
			s.queue = append(s.queue, Event{Kind: EventFinish, Index: ch.Index, Text: ch.FinishReason})
			if ch.Index == 0 {
				s.finish = ch.FinishReason
			}
		}
	}
	if c.Usage != nil {
		s.usage, s.hasUsage = *c.Usage, true
		s.queue = append(s.queue, Event{Kind: EventUsage, Usage: *c.Usage})
	}
	return s
}

// Next advances to the next event and reports whether there is one.
func (s *Stream) Next() bool {
	for {
		if s.qi < len(s.queue) {
			s.cur = s.queue[s.qi]
			s.qi++
			s.delivered = true
			return true
		}
		if s.done {
			return false
		}
		s.queue, s.qi = s.queue[:0], 0
		ev, err := s.dec.Next()
		if err != nil {
			s.fail(s.readError(err))
			return false
		}
		if ev.Type == "error" {
			s.cl.wd.dataArrived()
			eb, ok := parseErrorBody(ev.Data)
			if !ok {
				// Redact before cutting the text short, or a key across the
				// cut would survive in part.
				eb.Message = printable([]byte(redact(string(ev.Data), s.cl.key)))
			}
			s.fail(streamError(eb, s.cl.resp.StatusCode, s.reqID, s.cl.key, s.delivered))
			return false
		}
		if ev.Type != "message" {
			continue
		}
		if len(bytes.TrimSpace(ev.Data)) == 0 {
			// "data:" alone dispatches an empty event: a keep-alive, not a chunk.
			continue
		}
		s.cl.wd.dataArrived()
		if isDone(ev.Data) {
			s.end()
			return false
		}
		if e := s.handleChunk(ev.Data); e != nil {
			s.fail(e)
			return false
		}
	}
}

func isDone(b []byte) bool {
	return len(b) >= 6 && string(bytes.TrimSpace(b)) == "[DONE]"
}

// readError classifies the end of the event stream.
func (s *Stream) readError(err error) *Error {
	if err == io.EOF {
		if s.finished {
			return nil
		}
		if !s.delivered && len(s.queue) == 0 {
			return &Error{Kind: KindTruncated, Status: s.cl.resp.StatusCode, RequestID: s.reqID, Retryable: true,
				Message: "the server closed the stream without sending a reply"}
		}
		return &Error{Kind: KindTruncated, Status: s.cl.resp.StatusCode, RequestID: s.reqID, Retryable: true, Partial: true,
			Message: "the reply was cut off before it finished"}
	}
	var tl *sse.EventTooLargeError
	if errors.As(err, &tl) {
		return &Error{Kind: KindBadResponse, Status: s.cl.resp.StatusCode, RequestID: s.reqID, Partial: s.delivered,
			Message: fmt.Sprintf("the server sent an event larger than %d MiB", tl.Limit>>20), Err: err}
	}
	e := transportError(s.ctx, context.Cause(s.cl.rctx), err, s.cl.key, s.delivered)
	e.RequestID = s.reqID
	return e
}

func (s *Stream) fail(e *Error) {
	if e != nil {
		s.err = e
	}
	s.end()
}

func (s *Stream) end() {
	s.done = true
	if s.cl != nil {
		s.cl.close()
	}
}

// Current returns the event Next advanced to.
func (s *Stream) Current() Event { return s.cur }

// Err returns why the stream ended early, or nil after a normal end. It is
// an *Error.
func (s *Stream) Err() error {
	if s.err == nil {
		return nil
	}
	return s.err
}

// Close stops reading and releases the connection. It is safe to call more
// than once and after the end of the stream.
func (s *Stream) Close() error {
	if !s.done {
		s.done = true
		s.queue, s.qi = s.queue[:0], 0
	}
	if s.cl != nil {
		s.cl.close()
	}
	return nil
}

// RequestID returns the server's request id header, if sent.
func (s *Stream) RequestID() string { return s.reqID }

// ID returns the completion id the chunks carried.
func (s *Stream) ID() string { return s.id }

// Model returns the model the chunks named.
func (s *Stream) Model() string { return s.model }

// FinishReason returns the finish reason of choice 0 once it was sent.
func (s *Stream) FinishReason() string { return s.finish }

// Usage returns the last usage the server reported.
func (s *Stream) Usage() (Usage, bool) { return s.usage, s.hasUsage }

func printable(b []byte) string {
	s := strings.ToValidUTF8(string(bytes.TrimSpace(b)), "\uFFFD")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
