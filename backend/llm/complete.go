package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"murmur/backend/conversation"
)

// Complete sends a non-streamed request and returns the whole reply. A
// request with Stream set to true is sent with stream false. A server that
// answers with an event stream anyway is read as one.
func (c *Client) Complete(ctx context.Context, p Provider, key string, req *Request) (*Completion, error) {
	cl, err := c.postChat(ctx, p, key, req, false)
	if err != nil {
		return nil, err
	}
	if isEventStream(cl.resp.Header.Get("Content-Type")) || sniffEventStream(cl) {
		return collect(newStream(ctx, cl))
	}
	return c.readCompletion(ctx, cl)
}

// readCompletion reads a whole non-streamed reply and closes the call.
func (c *Client) readCompletion(ctx context.Context, cl *call) (*Completion, error) {
	b, reqID, err := c.readBody(ctx, cl)
	if err != nil {
		return nil, err
	}
	return parseCompletion(b, cl.resp.StatusCode, reqID, cl.key)
}

// isEventStream reports whether a Content-Type names an event stream, with
// or without parameters, in any case.
func isEventStream(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/event-stream")
}

// parseCompletion reads a chat.completion body, or an error sent with a
// 2xx status.
func parseCompletion(b []byte, status int, reqID, key string) (*Completion, error) {
	if eb, ok := parseErrorBody(b); ok {
		return nil, streamError(eb, status, reqID, key, false)
	}
	var raw struct {
		ID      string `json:"id"`
		Model   string `json:"model"`
		Choices []struct {
			Index   int `json:"index"`
			Message struct {
				Role             string               `json:"role"`
				Content          conversation.Content `json:"content"`
				ReasoningContent string               `json:"reasoning_content"`
				Reasoning        string               `json:"reasoning"`
				Refusal          string               `json:"refusal"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
		Usage *Usage `json:"usage"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, badJSON("reply", reqID, err)
	}
	if raw.Choices == nil {
		return nil, badJSON("reply", reqID, errors.New("it has no choices"))
	}
	out := &Completion{ID: raw.ID, Model: raw.Model, Usage: raw.Usage, RequestID: reqID}
	for _, ch := range raw.Choices {
		m := ch.Message
		reasoning := m.ReasoningContent
		if reasoning == "" {
			reasoning = m.Reasoning
		}
		content := m.Content.PlainText()
		if content == "" && m.Refusal != "" {
			content = m.Refusal
		}
		role := m.Role
		if role == "" {
			role = RoleAssistant
		}
		out.Choices = append(out.Choices, Choice{Index: ch.Index, Role: role, Content: content,
			Reasoning: reasoning, FinishReason: ch.FinishReason})
	}
	return out, nil
}

// collect reads a whole stream into a Completion.
func collect(s *Stream, err error) (*Completion, error) {
	if err != nil {
		return nil, err
	}
	defer s.Close()
	type acc struct {
		role, finish       string
		content, reasoning strings.Builder
	}
	var choices []*acc
	get := func(i int) *acc {
		for len(choices) <= i {
			choices = append(choices, &acc{})
		}
		return choices[i]
	}
	for s.Next() {
		ev := s.Current()
		if ev.Kind == EventUsage {
			continue
		}
		if ev.Index < 0 || ev.Index > 127 {
			return nil, badJSON("reply", s.RequestID(), fmt.Errorf("choice index %d out of range", ev.Index))
		}
		a := get(ev.Index)
		switch ev.Kind {
		case EventRole:
			a.role = ev.Text
		case EventContent, EventRefusal:
			a.content.WriteString(ev.Text)
		case EventReasoning:
			a.reasoning.WriteString(ev.Text)
		case EventFinish:
			a.finish = ev.Text
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	out := &Completion{ID: s.ID(), Model: s.Model(), RequestID: s.RequestID()}
	if u, ok := s.Usage(); ok {
		out.Usage = &u
	}
	for i, a := range choices {
		role := a.role
		if role == "" {
			role = RoleAssistant
		}
		out.Choices = append(out.Choices, Choice{Index: i, Role: role, Content: a.content.String(),
			Reasoning: a.reasoning.String(), FinishReason: a.finish})
	}
	return out, nil
}
