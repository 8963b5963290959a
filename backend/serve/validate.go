package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fieldError is one entry of a 422 answer, in the FastAPI/Pydantic shape
// the Swarms API uses: {"detail":[{"loc":["body","model"],"msg":…,"type":…}]}.
type fieldError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// maxFieldErrors bounds the list of a 422 answer.
const maxFieldErrors = 20

// chatRequest is a request body that passed the checks.
type chatRequest struct {
	model  string
	stream bool
	// body is what is sent upstream: the checked fields only, re-encoded, so
	// no duplicate or unknown member reaches the provider.
	body []byte
}

// chatLimits are the caps a body is checked against.
type chatLimits struct {
	models    map[string]bool // nil: any model
	modelList []string        // sorted, for messages
	maxTokens int
	maxLoops  int
	// extra are fields added to every request that does not set them.
	extra     map[string]json.RawMessage
	extraKeys []string // sorted
}

// The request members the chat-completions schema defines, in its order,
// plus stream_options, which OpenAI clients (Murmur's among them) send.
var chatFields = []string{"model", "messages", "temperature", "top_p", "n", "stream", "stream_options",
	"max_tokens", "max_completion_tokens", "presence_penalty", "frequency_penalty", "user", "max_loops"}

var messageFields = []string{"role", "content", "name"}

// checkChat parses and checks a chat-completions request body. It returns
// the request to send, or the problems found.
func checkChat(body []byte, lim chatLimits) (chatRequest, []fieldError) {
	var v validation
	if !utf8.Valid(body) {
		v.add([]any{"body"}, "json_invalid", "the body is not valid UTF-8")
		return chatRequest{}, v.errs
	}
	members, err := readObject(body)
	if err != nil {
		var nt notObjectError
		if errors.As(err, &nt) {
			v.add([]any{"body"}, "model_attributes_type", "Input should be a valid dictionary or object to extract fields from")
		} else {
			v.add([]any{"body"}, "json_invalid", "the body is not valid JSON: "+err.Error())
		}
		return chatRequest{}, v.errs
	}
	if members.dup != "" {
		v.add([]any{"body", members.dup}, "value_error", fmt.Sprintf("the field %q appears more than once", members.dup))
	}
	f := members.vals
	for _, k := range members.keys {
		if !slices.Contains(chatFields, k) {
			v.add([]any{"body", k}, "extra_forbidden", fmt.Sprintf("Extra inputs are not permitted: this server does not accept the field %q", k))
		}
	}

	var out jsonWriter
	out.begin()
	req := chatRequest{}

	// model
	if raw, ok := f["model"]; !ok {
		v.add([]any{"body", "model"}, "missing", "Field required")
	} else if s, ok := v.str(raw, "body", "model"); ok {
		switch {
		case s == "":
			v.add([]any{"body", "model"}, "string_too_short", "the model must not be empty")
		case lim.models != nil && !lim.models[s]:
			v.add([]any{"body", "model"}, "literal_error",
				fmt.Sprintf("the model %q is not allowed on this server; use %s", s, quotedList(lim.modelList)))
		default:
			req.model = s
			out.member("model", mustJSON(s))
		}
	}

	// messages
	if raw, ok := f["messages"]; !ok {
		v.add([]any{"body", "messages"}, "missing", "Field required")
	} else if msgs := v.messages(raw); msgs != nil {
		out.member("messages", msgs)
	}

	for _, k := range []string{"temperature", "top_p", "presence_penalty", "frequency_penalty"} {
		if raw, ok := f[k]; ok && v.number(raw, "body", k) {
			out.member(k, raw)
		}
	}
	if raw, ok := f["n"]; ok {
		if n, isNull, ok := v.integer(raw, "body", "n"); ok {
			if !isNull && n != 1 {
				v.add([]any{"body", "n"}, "literal_error", "Input should be 1: this server generates one completion per request")
			} else {
				out.member("n", raw)
			}
		}
	}
	if raw, ok := f["stream"]; ok {
		if b, ok := v.boolean(raw, "body", "stream"); ok {
			req.stream = b
			out.member("stream", raw)
		}
	}
	if raw, ok := f["stream_options"]; ok {
		if so, ok := v.streamOptions(raw); ok {
			out.member("stream_options", so)
		}
	}
	tokensSet := false
	for _, k := range []string{"max_tokens", "max_completion_tokens"} {
		raw, ok := f[k]
		if !ok {
			continue
		}
		n, isNull, ok := v.integer(raw, "body", k)
		if !ok {
			continue
		}
		switch {
		case isNull:
			if lim.maxTokens == 0 {
				out.member(k, raw)
			}
			continue
		case n < 1:
			v.add([]any{"body", k}, "greater_than_equal", "Input should be greater than or equal to 1")
		case lim.maxTokens > 0 && n > int64(lim.maxTokens):
			v.add([]any{"body", k}, "less_than_equal",
				fmt.Sprintf("Input should be less than or equal to %d: %s is over this server's cap", lim.maxTokens, k))
		default:
			tokensSet = true
			out.member(k, []byte(strconv.FormatInt(n, 10)))
		}
	}
	if !tokensSet && lim.maxTokens > 0 {
		out.member("max_tokens", []byte(strconv.Itoa(lim.maxTokens)))
	}
	if raw, ok := f["user"]; ok {
		if s, isNull, ok := v.nullableStr(raw, "body", "user"); ok {
			if isNull {
				out.member("user", raw)
			} else {
				out.member("user", mustJSON(s))
			}
		}
	}
	if raw, ok := f["max_loops"]; ok {
		if n, isNull, ok := v.integer(raw, "body", "max_loops"); ok {
			switch {
			case isNull:
				// A null asks for the provider's default, which this
				// server's cap does not bound: with a cap it is left out
				// (the provider then runs one loop).
				if lim.maxLoops == 0 {
					out.member("max_loops", raw)
				}
			case n < 1:
				v.add([]any{"body", "max_loops"}, "greater_than_equal", "Input should be greater than or equal to 1")
			case lim.maxLoops > 0 && n > int64(lim.maxLoops):
				v.add([]any{"body", "max_loops"}, "less_than_equal",
					fmt.Sprintf("Input should be less than or equal to %d: max_loops is over this server's cap", lim.maxLoops))
			default:
				out.member("max_loops", []byte(strconv.FormatInt(n, 10)))
			}
		}
	}
	if len(v.errs) > 0 {
		return chatRequest{}, v.errs
	}
	for _, k := range lim.extraKeys {
		if !out.has(k) {
			var buf bytes.Buffer
			if json.Compact(&buf, lim.extra[k]) == nil {
				out.member(k, buf.Bytes())
			}
		}
	}
	req.body = out.end()
	return req, nil
}

// validation collects field errors.
type validation struct {
	errs []fieldError
}

func (v *validation) add(loc []any, typ, msg string) {
	if len(v.errs) < maxFieldErrors {
		v.errs = append(v.errs, fieldError{Loc: loc, Msg: msg, Type: typ})
	}
}

func loc(path ...any) []any { return append([]any(nil), path...) }

func (v *validation) str(raw json.RawMessage, path ...any) (string, bool) {
	var s string
	if kindOf(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		v.add(loc(path...), "string_type", "Input should be a valid string")
		return "", false
	}
	return s, true
}

func (v *validation) nullableStr(raw json.RawMessage, path ...any) (s string, isNull, ok bool) {
	if kindOf(raw) == 'n' {
		return "", true, true
	}
	s, ok = v.str(raw, path...)
	return s, false, ok
}

func (v *validation) number(raw json.RawMessage, path ...any) bool {
	switch kindOf(raw) {
	case 'n', '0':
		return true
	}
	v.add(loc(path...), "float_type", "Input should be a valid number")
	return false
}

// integer reads an integer (or null). A number with a zero fraction (4096.0)
// counts as an integer, as in Pydantic.
func (v *validation) integer(raw json.RawMessage, path ...any) (n int64, isNull, ok bool) {
	switch kindOf(raw) {
	case 'n':
		return 0, true, true
	case '0':
	default:
		v.add(loc(path...), "int_type", "Input should be a valid integer")
		return 0, false, false
	}
	s := string(raw)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, false, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || f > 1<<53 || f < -(1<<53) {
		v.add(loc(path...), "int_type", "Input should be a valid integer, not a number this large")
		return 0, false, false
	}
	if f != math.Trunc(f) {
		v.add(loc(path...), "int_from_float", "Input should be a valid integer, got a number with a fractional part")
		return 0, false, false
	}
	return int64(f), false, true
}

func (v *validation) boolean(raw json.RawMessage, path ...any) (b, ok bool) {
	switch string(raw) {
	case "true":
		return true, true
	case "false", "null":
		return false, true
	}
	v.add(loc(path...), "bool_type", "Input should be a valid boolean")
	return false, false
}

// messages checks the messages array and returns it re-encoded (nil when
// it has problems).
func (v *validation) messages(raw json.RawMessage) []byte {
	if kindOf(raw) != '[' {
		v.add([]any{"body", "messages"}, "list_type", "Input should be a valid list")
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		v.add([]any{"body", "messages"}, "list_type", "Input should be a valid list")
		return nil
	}
	before := len(v.errs)
	var out bytes.Buffer
	out.Grow(len(raw))
	out.WriteByte('[')
	for i, item := range items {
		if i > 0 {
			out.WriteByte(',')
		}
		m, err := readObject(item)
		if err != nil {
			v.add([]any{"body", "messages", i}, "model_type", "Input should be a valid dictionary or instance of ChatMessage")
			continue
		}
		if m.dup != "" {
			v.add([]any{"body", "messages", i, m.dup}, "value_error", fmt.Sprintf("the field %q appears more than once", m.dup))
		}
		for _, k := range m.keys {
			if !slices.Contains(messageFields, k) {
				v.add([]any{"body", "messages", i, k}, "extra_forbidden", fmt.Sprintf("Extra inputs are not permitted: this server does not accept the message field %q", k))
			}
		}
		var w jsonWriter
		w.begin()
		if r, ok := m.vals["role"]; !ok {
			v.add([]any{"body", "messages", i, "role"}, "missing", "Field required")
		} else if s, ok := v.str(r, "body", "messages", i, "role"); ok {
			w.member("role", mustJSON(s))
		}
		if c, ok := m.vals["content"]; ok {
			switch kindOf(c) {
			case '"', '[', 'n':
				var buf bytes.Buffer
				if json.Compact(&buf, c) == nil {
					w.member("content", buf.Bytes())
				}
			default:
				v.add([]any{"body", "messages", i, "content"}, "string_type", "Input should be a valid string, a list of content parts or null")
			}
		}
		if n, ok := m.vals["name"]; ok {
			if s, isNull, ok := v.nullableStr(n, "body", "messages", i, "name"); ok {
				if isNull {
					w.member("name", n)
				} else {
					w.member("name", mustJSON(s))
				}
			}
		}
		out.Write(w.end())
	}
	out.WriteByte(']')
	if len(v.errs) > before {
		return nil
	}
	return out.Bytes()
}

func (v *validation) streamOptions(raw json.RawMessage) ([]byte, bool) {
	if kindOf(raw) == 'n' {
		return raw, true
	}
	m, err := readObject(raw)
	if err != nil {
		v.add([]any{"body", "stream_options"}, "dict_type", "Input should be a valid dictionary")
		return nil, false
	}
	ok := true
	var w jsonWriter
	w.begin()
	for _, k := range m.keys {
		if k != "include_usage" {
			v.add([]any{"body", "stream_options", k}, "extra_forbidden", fmt.Sprintf("Extra inputs are not permitted: this server does not accept the stream option %q", k))
			ok = false
		}
	}
	if r, has := m.vals["include_usage"]; has {
		if _, good := v.boolean(r, "body", "stream_options", "include_usage"); good {
			w.member("include_usage", r)
		} else {
			ok = false
		}
	}
	return w.end(), ok
}

// object is a JSON object's members in the order they came.
type object struct {
	keys []string
	vals map[string]json.RawMessage
	dup  string // the first member name seen twice
}

type notObjectError struct{}

func (notObjectError) Error() string { return "not a JSON object" }

// readObject parses b as exactly one JSON object, keeping its members raw.
func readObject(b []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	o := object{vals: map[string]json.RawMessage{}}
	tok, err := dec.Token()
	if err != nil {
		return o, syntaxText(err, dec)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if err := skipRest(dec); err != nil {
			return o, err
		}
		return o, notObjectError{}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return o, syntaxText(err, dec)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return o, syntaxText(err, dec)
		}
		if _, seen := o.vals[key]; seen {
			if o.dup == "" {
				o.dup = key
			}
			continue
		}
		o.keys = append(o.keys, key)
		o.vals[key] = raw
	}
	if _, err := dec.Token(); err != nil {
		return o, syntaxText(err, dec)
	}
	if _, err := dec.Token(); err != io.EOF {
		return o, fmt.Errorf("there is more after the JSON object (at byte %d)", dec.InputOffset())
	}
	return o, nil
}

// skipRest reads the rest of a non-object value, so syntax errors win over
// "not an object".
func skipRest(dec *json.Decoder) error {
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return syntaxText(err, dec)
		}
	}
}

func syntaxText(err error, dec *json.Decoder) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("it ends too early")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s (at byte %d)", se.Error(), se.Offset)
	}
	return fmt.Errorf("%s (at byte %d)", err.Error(), dec.InputOffset())
}

// kindOf returns the kind of a raw JSON value: '"', '[', '{', 't' (true or
// false), 'n' (null) or '0' (a number).
func kindOf(raw json.RawMessage) byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0
	}
	switch c := raw[0]; c {
	case '"', '[', '{', 'n':
		return c
	case 't', 'f':
		return 't'
	}
	return '0'
}

// jsonWriter builds a JSON object member by member.
type jsonWriter struct {
	buf   bytes.Buffer
	names []string
}

func (w *jsonWriter) begin() { w.buf.WriteByte('{') }

func (w *jsonWriter) member(name string, raw []byte) {
	if len(w.names) > 0 {
		w.buf.WriteByte(',')
	}
	w.names = append(w.names, name)
	w.buf.Write(mustJSON(name))
	w.buf.WriteByte(':')
	w.buf.Write(bytes.TrimSpace(raw))
}

func (w *jsonWriter) has(name string) bool { return slices.Contains(w.names, name) }

func (w *jsonWriter) end() []byte {
	w.buf.WriteByte('}')
	return w.buf.Bytes()
}

// mustJSON encodes a string (which cannot fail).
func mustJSON(s string) []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return b
}

// quotedList writes 'a', 'b' or 'c'.
func quotedList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "'" + s + "'"
	}
	switch len(q) {
	case 0:
		return "nothing"
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
