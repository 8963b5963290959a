package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"murmur/backend/llm/llmtest"
)

// Bodies that break the schema or the caps get a 422 naming the field, in
// the FastAPI shape, and never reach the upstream.
func TestBodyChecks(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Models = []string{"gpt-4o-mini", "claude-sonnet-4-20250514"}
		c.MaxTokens = 4096
		c.MaxLoops = 3
		c.MaxBody = 1 << 10
	})
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	ok := `"model":"gpt-4o-mini",` + msgs
	cases := []struct {
		name, body string
		loc        string // the first error's loc, joined with "."
		typ        string
		msg        string // part of the message
	}{
		{"not JSON", `{"model":`, "body", "json_invalid", "not valid JSON"},
		{"trailing data", `{` + ok + `} {}`, "body", "json_invalid", "more after the JSON object"},
		{"array", `[1,2]`, "body", "model_attributes_type", "dictionary"},
		{"string", `"hello"`, "body", "model_attributes_type", "dictionary"},
		{"empty object", `{}`, "body.model", "missing", "Field required"},
		{"no messages", `{"model":"gpt-4o-mini"}`, "body.messages", "missing", "Field required"},
		{"model not a string", `{"model":4,` + msgs + `}`, "body.model", "string_type", "valid string"},
		{"model not allowed", `{"model":"gpt-4o",` + msgs + `}`, "body.model", "literal_error", "'claude-sonnet-4-20250514' or 'gpt-4o-mini'"},
		{"messages not a list", `{"model":"gpt-4o-mini","messages":"hi"}`, "body.messages", "list_type", "valid list"},
		{"message not an object", `{"model":"gpt-4o-mini","messages":["hi"]}`, "body.messages.0", "model_type", "ChatMessage"},
		{"message without role", `{"model":"gpt-4o-mini","messages":[{"content":"hi"}]}`, "body.messages.0.role", "missing", "Field required"},
		{"role not a string", `{"model":"gpt-4o-mini","messages":[{"role":1}]}`, "body.messages.0.role", "string_type", "valid string"},
		{"content a number", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":5}]}`, "body.messages.0.content", "string_type", "content parts"},
		{"unknown message field", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x","tool_calls":[]}]}`, "body.messages.0.tool_calls", "extra_forbidden", "tool_calls"},
		{"n is 2", `{` + ok + `,"n":2}`, "body.n", "literal_error", "Input should be 1"},
		{"n is text", `{` + ok + `,"n":"1"}`, "body.n", "int_type", "valid integer"},
		{"max_tokens over the cap", `{` + ok + `,"max_tokens":5000}`, "body.max_tokens", "less_than_equal", "4096"},
		{"max_completion_tokens over the cap", `{` + ok + `,"max_completion_tokens":4097}`, "body.max_completion_tokens", "less_than_equal", "4096"},
		{"max_tokens zero", `{` + ok + `,"max_tokens":0}`, "body.max_tokens", "greater_than_equal", "1"},
		{"max_tokens fractional", `{` + ok + `,"max_tokens":10.5}`, "body.max_tokens", "int_from_float", "fractional"},
		{"max_tokens huge", `{` + ok + `,"max_tokens":1e300}`, "body.max_tokens", "int_type", "large"},
		{"max_loops over the cap", `{` + ok + `,"max_loops":4}`, "body.max_loops", "less_than_equal", "3"},
		{"stream not a boolean", `{` + ok + `,"stream":"yes"}`, "body.stream", "bool_type", "valid boolean"},
		{"temperature text", `{` + ok + `,"temperature":"hot"}`, "body.temperature", "float_type", "valid number"},
		{"user a number", `{` + ok + `,"user":7}`, "body.user", "string_type", "valid string"},
		{"unknown field", `{` + ok + `,"tools":[]}`, "body.tools", "extra_forbidden", `"tools"`},
		{"upstream-choosing field", `{` + ok + `,"api_base":"http://evil"}`, "body.api_base", "extra_forbidden", "api_base"},
		{"case-folded field", `{` + ok + `,"Model":"gpt-4o"}`, "body.Model", "extra_forbidden", "Model"},
		{"duplicate model", `{"model":"gpt-4o-mini","model":"gpt-4o",` + msgs + `}`, "body.model", "value_error", "more than once"},
		{"stream_options unknown", `{` + ok + `,"stream_options":{"include_usage":true,"x":1}}`, "body.stream_options.x", "extra_forbidden", `"x"`},
		{"stream_options not an object", `{` + ok + `,"stream_options":true}`, "body.stream_options", "dict_type", "dictionary"},
		{"invalid UTF-8", "{\"model\":\"gpt-4o-mini\xff\"," + msgs + "}", "body", "json_invalid", "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := expectStatus(t, e.chat(t, c.body, nil), http.StatusUnprocessableEntity)
			var got struct {
				Detail []struct {
					Loc  []any  `json:"loc"`
					Msg  string `json:"msg"`
					Type string `json:"type"`
				} `json:"detail"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Detail) == 0 {
				t.Fatalf("422 body is not {\"detail\":[…]}: %s", body)
			}
			d := got.Detail[0]
			var loc []string
			for _, l := range d.Loc {
				loc = append(loc, fmt.Sprint(l))
			}
			if strings.Join(loc, ".") != c.loc || d.Type != c.typ || !strings.Contains(d.Msg, c.msg) {
				t.Errorf("got loc %v type %q msg %q; want loc %s type %q msg containing %q", d.Loc, d.Type, d.Msg, c.loc, c.typ, c.msg)
			}
		})
	}
	t.Run("every problem is listed", func(t *testing.T) {
		body := expectStatus(t, e.chat(t, `{"model":"gpt-4o","messages":[],"n":3,"max_tokens":99999,"max_loops":9}`, nil), 422)
		for _, field := range []string{`"model"`, `"n"`, `"max_tokens"`, `"max_loops"`} {
			if !strings.Contains(body, field) {
				t.Errorf("the 422 does not name %s: %s", field, body)
			}
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := `{` + ok + `,"user":"` + strings.Repeat("a", 2<<10) + `"}`
		d := detail(t, expectStatus(t, e.chat(t, big, nil), http.StatusRequestEntityTooLarge))
		if !strings.Contains(d, "1KB") {
			t.Errorf("413 detail %q", d)
		}
	})
	t.Run("not JSON content type", func(t *testing.T) {
		expectStatus(t, e.chat(t, `{`+ok+`}`, map[string]string{"Content-Type": "text/plain"}), http.StatusUnsupportedMediaType)
		expectStatus(t, e.chat(t, `{`+ok+`}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), http.StatusUnsupportedMediaType)
	})
	if n := len(e.up.Requests()); n != 0 {
		t.Errorf("invalid requests reached the upstream %d times", n)
	}
}

// What reaches the upstream is the checked body, re-encoded: every field
// the client set with its value, and max_tokens at the cap when unset.
func TestForwardedBody(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxTokens = 100; c.MaxLoops = 3 })
	e.up.Always(llmtest.ChatPath, llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	cases := []struct{ in, out string }{
		{`{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
			`{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":100}`},
		{`{ "messages" : [ {"name":"ann","content":[{"type":"text","text":"a <b>"}, {"type":"image_url","image_url":{"url":"data:x"}}],"role":"user"} ], "model":"m",
		   "temperature":0.25,"top_p":1,"n":1,"stream":false,"max_completion_tokens":50.0,"presence_penalty":-0.5,"frequency_penalty":0,
		   "user":"u1","max_loops":2,"stream_options":{"include_usage":true}}`,
			`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a <b>"},{"type":"image_url","image_url":{"url":"data:x"}}],"name":"ann"}],` +
				`"temperature":0.25,"top_p":1,"presence_penalty":-0.5,"frequency_penalty":0,"n":1,"stream":false,"stream_options":{"include_usage":true},` +
				`"max_completion_tokens":50,"user":"u1","max_loops":2}`},
		{`{"model":"m","messages":[{"role":"system","content":null}],"max_tokens":null,"temperature":null}`,
			`{"model":"m","messages":[{"role":"system","content":null}],"temperature":null,"max_tokens":100}`},
		// A null max_loops asks for the provider's default, which the cap
		// does not bound: it is left out.
		{`{"model":"m","messages":[],"max_loops":null,"max_tokens":7}`,
			`{"model":"m","messages":[],"max_tokens":7}`},
	}
	for i, c := range cases {
		expectStatus(t, e.chat(t, c.in, nil), 200)
		reqs := e.up.Requests()
		if got := string(reqs[len(reqs)-1].Body); got != c.out {
			t.Errorf("case %d sent\n %s\nwant\n %s", i, got, c.out)
		}
	}
}

func TestCheckChatWithoutCaps(t *testing.T) {
	req, errs := checkChat([]byte(`{"model":"any","messages":[],"max_tokens":1000000,"max_loops":50,"stream":true}`), chatLimits{})
	if errs != nil {
		t.Fatalf("errors %v", errs)
	}
	if !req.stream || req.model != "any" || string(req.body) != `{"model":"any","messages":[],"stream":true,"max_tokens":1000000,"max_loops":50}` {
		t.Errorf("request %+v %s", req, req.body)
	}
}

func TestFieldErrorsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"model":"m","messages":[`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"role":1}`)
	}
	b.WriteString(`]}`)
	_, errs := checkChat([]byte(b.String()), chatLimits{})
	if len(errs) != maxFieldErrors {
		t.Errorf("%d errors, want %d", len(errs), maxFieldErrors)
	}
}

// The provider's own extra headers and body fields (from its settings) go
// with every request; a field the client sets wins, and the caps still hold.
func TestProviderHeadersAndExtraBody(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.MaxTokens = 100
		c.Headers = map[string]string{"HTTP-Referer": "https://example.org", "X-Title": "Murmur"}
		c.ExtraBody = map[string]json.RawMessage{"provider": json.RawMessage(`{ "order": ["a"] }`), "temperature": json.RawMessage(`0.1`),
			"max_tokens": json.RawMessage(`99999`)}
	})
	e.up.Always(llmtest.ChatPath, llmtest.JSON(200, llmtest.Completion("ok", 1, 1)))
	expectStatus(t, e.chat(t, `{"model":"m","messages":[],"temperature":0.9}`, nil), 200)
	r := e.up.Requests()[0]
	if got := string(r.Body); got != `{"model":"m","messages":[],"temperature":0.9,"max_tokens":100,"provider":{"order":["a"]}}` {
		t.Errorf("body %s", got)
	}
	if r.Header.Get("Http-Referer") != "https://example.org" || r.Header.Get("X-Title") != "Murmur" || r.Header.Get("X-Api-Key") != testKey {
		t.Errorf("headers %v", r.Header)
	}
}
