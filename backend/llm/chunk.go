package llm

import (
	"fmt"
)

// strField is a string value found in a chunk, still raw.
type strField struct {
	set bool
	raw []byte
	esc bool
}

func (f *strField) read(s *scanner) error {
	f.set = false
	if s.null() {
		return nil
	}
	if s.peek() != '"' {
		return s.skip() // not a string (e.g. content parts): ignored
	}
	raw, esc, err := s.str()
	if err != nil {
		return err
	}
	f.set, f.raw, f.esc = len(raw) > 0, raw, esc
	return nil
}

type choiceDelta struct {
	index                                      int
	role, content, reasoningContent, reasoning strField
	refusal, finish                            strField
}

// chunkParser decodes chat.completion.chunk objects, reusing its buffers.
type chunkParser struct {
	choices  []choiceDelta
	id       strField
	model    strField
	object   strField
	hasError bool
	usage    Usage
	hasUsage bool
	text     []byte
}

// parse decodes one chunk.
func (p *chunkParser) parse(data []byte) error {
	p.choices = p.choices[:0]
	p.id, p.model, p.object = strField{}, strField{}, strField{}
	p.hasError, p.hasUsage = false, false
	s := scanner{b: data}
	if s.peek() != '{' {
		return errSyntax
	}
	err := s.object(func(key []byte) error {
		switch string(key) {
		case "id":
			return p.id.read(&s)
		case "model":
			return p.model.read(&s)
		case "object":
			return p.object.read(&s)
		case "error":
			if !s.null() {
				p.hasError = true
				return s.skip()
			}
			return nil
		case "usage":
			if s.null() {
				return nil
			}
			p.usage, p.hasUsage = Usage{}, true
			return s.object(func(k []byte) error {
				var err error
				switch string(k) {
				case "prompt_tokens":
					p.usage.PromptTokens, err = s.int()
				case "completion_tokens":
					p.usage.CompletionTokens, err = s.int()
				case "total_tokens":
					p.usage.TotalTokens, err = s.int()
				default:
					err = s.skip()
				}
				return err
			})
		case "choices":
			if s.null() {
				return nil
			}
			if !s.consume('[') {
				return errSyntax
			}
			if s.consume(']') {
				return nil
			}
			for {
				if err := p.choice(&s); err != nil {
					return err
				}
				if s.consume(',') {
					continue
				}
				if s.consume(']') {
					return nil
				}
				return errSyntax
			}
		}
		return s.skip()
	})
	if err != nil {
		return err
	}
	if s.peek() != 0 {
		return errSyntax
	}
	return nil
}

func (p *chunkParser) choice(s *scanner) error {
	p.choices = append(p.choices, choiceDelta{})
	c := &p.choices[len(p.choices)-1]
	return s.object(func(key []byte) error {
		switch string(key) {
		case "index":
			var err error
			c.index, err = s.int()
			return err
		case "finish_reason":
			return c.finish.read(s)
		case "delta", "message":
			return s.object(func(k []byte) error {
				switch string(k) {
				case "role":
					return c.role.read(s)
				case "content":
					return c.content.read(s)
				case "reasoning_content":
					return c.reasoningContent.read(s)
				case "reasoning":
					return c.reasoning.read(s)
				case "refusal":
					return c.refusal.read(s)
				}
				return s.skip()
			})
		}
		return s.skip()
	})
}

// str returns the decoded text of f.
func (p *chunkParser) str(f strField) (string, error) {
	if !f.esc {
		if s, ok := asciiString(f.raw); ok {
			return s, nil
		}
	}
	var err error
	p.text, err = appendUnescaped(p.text[:0], f.raw, f.esc)
	if err != nil {
		return "", err
	}
	return string(p.text), nil
}

// asciiString converts valid UTF-8 without copying twice.
func asciiString(b []byte) (string, bool) {
	for _, c := range b {
		if c >= 0x80 {
			return "", false
		}
	}
	return string(b), true
}

// sameString reports whether f decodes to cur, without allocating in the
// common unescaped case.
func sameString(f strField, cur string) bool {
	return !f.esc && string(f.raw) == cur
}

// handleChunk decodes one data event into queued events.
func (s *Stream) handleChunk(data []byte) *Error {
	p := &s.parser
	if err := p.parse(data); err != nil {
		return s.badChunk(data, err)
	}
	if p.hasError || (p.object.set && string(p.object.raw) == "error") {
		eb, _ := parseErrorBody(data)
		return streamError(eb, s.cl.resp.StatusCode, s.reqID, s.cl.key, s.delivered)
	}
	var err error
	if p.id.set && !sameString(p.id, s.id) {
		if s.id, err = p.str(p.id); err != nil {
			return s.badChunk(data, err)
		}
	}
	if p.model.set && !sameString(p.model, s.model) {
		if s.model, err = p.str(p.model); err != nil {
			return s.badChunk(data, err)
		}
	}
	for i := range p.choices {
		c := &p.choices[i]
		if c.role.set {
			if c.index < 0 || c.index >= len(s.roles) || !sameString(c.role, s.roles[c.index]) {
				role, err := p.str(c.role)
				if err != nil {
					return s.badChunk(data, err)
				}
				if c.index >= 0 && c.index < len(s.roles) {
					s.roles[c.index] = role
				}
				s.queue = append(s.queue, Event{Kind: EventRole, Index: c.index, Text: role})
			}
		}
		if err := s.queueText(EventReasoning, c.index, c.reasoningContent); err != nil {
			return s.badChunk(data, err)
		}
		if !c.reasoningContent.set {
			if err := s.queueText(EventReasoning, c.index, c.reasoning); err != nil {
				return s.badChunk(data, err)
			}
		}
		if err := s.queueText(EventContent, c.index, c.content); err != nil {
			return s.badChunk(data, err)
		}
		if err := s.queueText(EventRefusal, c.index, c.refusal); err != nil {
			return s.badChunk(data, err)
		}
		if c.finish.set {
			reason, err := p.str(c.finish)
			if err != nil {
				return s.badChunk(data, err)
			}
			if reason == "error" {
				eb, _ := parseErrorBody(data)
				if eb.Message == "" {
					eb.Message = "the model stopped with an error"
				}
				return streamError(eb, s.cl.resp.StatusCode, s.reqID, s.cl.key, s.delivered || len(s.queue) > 0)
			}
			s.finished = true
			if c.index == 0 {
				s.finish = reason
			}
			s.queue = append(s.queue, Event{Kind: EventFinish, Index: c.index, Text: reason})
		}
	}
	if p.hasUsage {
		s.usage, s.hasUsage = p.usage, true
		s.queue = append(s.queue, Event{Kind: EventUsage, Usage: p.usage})
	}
	return nil
}

func (s *Stream) queueText(kind EventKind, index int, f strField) error {
	if !f.set {
		return nil
	}
	t, err := s.parser.str(f)
	if err != nil {
		return err
	}
	if t != "" {
		s.queue = append(s.queue, Event{Kind: kind, Index: index, Text: t})
	}
	return nil
}

func (s *Stream) badChunk(data []byte, err error) *Error {
	return &Error{Kind: KindBadResponse, Status: s.cl.resp.StatusCode, RequestID: s.reqID, Partial: s.delivered,
		Message: fmt.Sprintf("the server sent a chunk that is not valid JSON (%v): %s", err, printable([]byte(redact(string(data), s.cl.key)))), Err: err}
}
