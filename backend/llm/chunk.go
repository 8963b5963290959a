package llm

import (
	"encoding/json"
)

// chunkParser decodes chat.completion.chunk objects.
type chunkParser struct{}

type chunkJSON struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Object  string `json:"object"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Role             *string `json:"role"`
			Content          *string `json:"content"`
			ReasoningContent *string `json:"reasoning_content"`
			Reasoning        *string `json:"reasoning"`
			Refusal          *string `json:"refusal"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *Usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// handleChunk decodes one data event into queued events.
func (s *Stream) handleChunk(data []byte) *Error {
	var ch chunkJSON
	if err := json.Unmarshal(data, &ch); err != nil {
		return &Error{Kind: KindBadResponse, Status: s.cl.resp.StatusCode, RequestID: s.reqID, Partial: s.delivered,
			Message: "the server sent a chunk that is not valid JSON: " + err.Error(), Err: err}
	}
	if (len(ch.Error) > 0 && !isNull(ch.Error)) || ch.Object == "error" {
		eb, _ := parseErrorBody(data)
		return streamError(eb, s.cl.resp.StatusCode, s.reqID, s.cl.key, s.delivered)
	}
	if ch.ID != "" && ch.ID != s.id {
		s.id = ch.ID
	}
	if ch.Model != "" && ch.Model != s.model {
		s.model = ch.Model
	}
	for _, c := range ch.Choices {
		d := c.Delta
		if d.Role != nil && *d.Role != "" {
			s.queue = append(s.queue, Event{Kind: EventRole, Index: c.Index, Text: *d.Role})
		}
		if d.ReasoningContent != nil && *d.ReasoningContent != "" {
			s.queue = append(s.queue, Event{Kind: EventReasoning, Index: c.Index, Text: *d.ReasoningContent})
		} else if d.Reasoning != nil && *d.Reasoning != "" {
			s.queue = append(s.queue, Event{Kind: EventReasoning, Index: c.Index, Text: *d.Reasoning})
		}
		if d.Content != nil && *d.Content != "" {
			s.queue = append(s.queue, Event{Kind: EventContent, Index: c.Index, Text: *d.Content})
		}
		if d.Refusal != nil && *d.Refusal != "" {
			s.queue = append(s.queue, Event{Kind: EventRefusal, Index: c.Index, Text: *d.Refusal})
		}
		if c.FinishReason != nil && *c.FinishReason != "" {
			s.finished = true
			if c.Index == 0 {
				s.finish = *c.FinishReason
			}
			s.queue = append(s.queue, Event{Kind: EventFinish, Index: c.Index, Text: *c.FinishReason})
		}
	}
	if ch.Usage != nil {
		s.usage, s.hasUsage = *ch.Usage, true
		s.queue = append(s.queue, Event{Kind: EventUsage, Usage: *ch.Usage})
	}
	return nil
}
