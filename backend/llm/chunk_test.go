package llm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// refChunk decodes a chunk with encoding/json, as the reference for the
// hand-written scanner.
type refChunk struct {
	ID      *string `json:"id"`
	Model   *string `json:"model"`
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
	Usage *Usage `json:"usage"`
}

type flat struct {
	ID, Model string
	Choices   []flatChoice
	Usage     *Usage
}

type flatChoice struct {
	Index                                                    int
	Role, Content, ReasoningContent, Reasoning, Refusal, Fin string
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func fromRef(r refChunk) flat {
	f := flat{ID: deref(r.ID), Model: deref(r.Model), Usage: r.Usage}
	for _, c := range r.Choices {
		f.Choices = append(f.Choices, flatChoice{c.Index, deref(c.Delta.Role), deref(c.Delta.Content),
			deref(c.Delta.ReasoningContent), deref(c.Delta.Reasoning), deref(c.Delta.Refusal), deref(c.FinishReason)})
	}
	return f
}

func fromParser(t *testing.T, p *chunkParser) flat {
	str := func(f strField) string {
		if !f.set {
			return ""
		}
		s, err := p.str(f)
		if err != nil {
			t.Fatalf("unescape: %v", err)
		}
		return s
	}
	f := flat{ID: str(p.id), Model: str(p.model)}
	if p.hasUsage {
		u := p.usage
		f.Usage = &u
	}
	for _, c := range p.choices {
		f.Choices = append(f.Choices, flatChoice{c.index, str(c.role), str(c.content), str(c.reasoningContent),
			str(c.reasoning), str(c.refusal), str(c.finish)})
	}
	return f
}

var chunkSamples = []string{
	`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
	`{"id":"a","choices":[{"index":0,"delta":{"content":"tab\there \"quoted\" \\ back \u00e9\ud83d\ude00 \ud800 lone"}}]}`,
	`{"choices":[{"index":1,"delta":{"reasoning_content":"r","reasoning":"s","refusal":"no"},"finish_reason":"stop","logprobs":{"content":[{"token":"x","bytes":[1,2]}]}}],"usage":null}`,
	`{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,"completion_tokens_details":{"reasoning_tokens":5}}}`,
	` { "id" : "sp" , "choices" : [ { "delta" : { "content" : "x" } , "index" : 0 } ] } `,
	`{"choices":[{"delta":{"content":null,"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":1}"}}]}}],"system_fingerprint":"fp","x":[true,false,null,-1.5e3]}`,
	`{"choices":null,"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false}}}]}`,
	`{"model":"m\u0041","choices":[{"index":0,"message":{"content":"non-stream shape"}}]}`,
}

func TestChunkParserMatchesEncodingJSON(t *testing.T) {
	var p chunkParser
	for _, s := range chunkSamples {
		var r refChunk
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatalf("sample %s: %v", s, err)
		}
		if err := p.parse([]byte(s)); err != nil {
			t.Fatalf("parse %s: %v", s, err)
		}
		want, got := fromRef(r), fromParser(t, &p)
		if s == chunkSamples[7] {
			want.Choices[0].Content = "non-stream shape" // the parser also reads "message"
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s\n got %+v\nwant %+v", s, got, want)
		}
	}
}

func TestChunkParserRejectsBrokenJSON(t *testing.T) {
	var p chunkParser
	for _, s := range []string{``, `[]`, `{`, `{"choices":[{"delta":{"content":"x"}}]`, `{"a":"unterminated}`, `{"a":tru}`,
		`{"a":1}}`, `{"choices":[{"delta":{"content":"bad \q escape"}}]}`, `{"a" 1}`} {
		err := p.parse([]byte(s))
		if err == nil {
			for _, c := range p.choices {
				if _, err = p.str(c.content); err != nil {
					break
				}
			}
		}
		if err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func FuzzChunkParser(f *testing.F) {
	for _, s := range chunkSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r refChunk
		refErr := json.Unmarshal(b, &r)
		var p chunkParser
		err := p.parse(b)
		if refErr != nil || foldedKey(b) {
			return // the scanner may be more lenient on input encoding/json rejects
		}
		if err != nil {
			t.Fatalf("encoding/json accepts %q, the scanner says %v", b, err)
		}
		if got, want := fromParser(t, &p), fromRef(r); !reflect.DeepEqual(got, want) {
			// "message" is read as a delta by the scanner only.
			if !json.Valid(b) || containsMessage(b) {
				return
			}
			t.Fatalf("%q\n got %+v\nwant %+v", b, got, want)
		}
	})
}

func containsMessage(b []byte) bool {
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	ch, _ := m["choices"].([]any)
	for _, c := range ch {
		if o, ok := c.(map[string]any); ok {
			if _, has := o["message"]; has {
				return true
			}
		}
	}
	return false
}

// foldedKey reports whether b has a key that encoding/json would match
// case-insensitively to a field (servers send exact lower-case names; the
// scanner matches exactly).
func foldedKey(b []byte) bool {
	known := []string{"id", "model", "choices", "usage", "index", "delta", "finish_reason", "role", "content",
		"reasoning_content", "reasoning", "refusal", "prompt_tokens", "completion_tokens", "total_tokens", "message"}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				for _, name := range known {
					if k != name && strings.EqualFold(k, name) {
						return true
					}
				}
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	var v any
	_ = json.Unmarshal(b, &v)
	return walk(v)
}
