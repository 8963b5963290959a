package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// redact removes every occurrence of key from s.
func redact(s, key string) string {
	if key == "" || len(key) < 4 {
		return s
	}
	return strings.ReplaceAll(s, key, "[redacted]")
}

func canceledError(ctx context.Context, err error) *Error {
	if cause := context.Cause(ctx); cause != nil {
		err = cause
	}
	return &Error{Kind: KindCanceled, Message: "the request was cancelled", Err: err}
}

// transportError classifies a failure to get or read a response.
func transportError(ctx context.Context, cause, err error, key string, partial bool) *Error {
	if ctx.Err() != nil {
		e := canceledError(ctx, ctx.Err())
		e.Partial = partial
		return e
	}
	var tc *timeoutCause
	if errors.As(cause, &tc) {
		return &Error{Kind: KindTimeout, Message: tc.Error(), Partial: partial, Err: tc}
	}
	var ue *url.Error
	inner := err
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	msg := "cannot reach the server: "
	if partial {
		msg = "the connection broke during the reply: "
	}
	var pe *permanentError
	if errors.As(inner, &pe) {
		msg = ""
	}
	return &Error{
		Kind:      KindNetwork,
		Message:   redact(msg+inner.Error(), key),
		Retryable: !partial && pe == nil,
		Partial:   partial,
		Err:       err,
	}
}

// errorBody is what any documented error shape says.
type errorBody struct {
	Message    string
	Type       string
	Code       string
	UpgradeURL string
}

// parseErrorBody reads the OpenAI, FastAPI (string, list or object detail),
// vLLM ({"object":"error"}) and Swarms premium error shapes. ok is false when
// b is not a JSON object with any of them.
func parseErrorBody(b []byte) (eb errorBody, ok bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return eb, false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return eb, false
	}
	if raw, has := top["error"]; has && !isNull(raw) {
		readErrorValue(raw, &eb)
		if eb.Message == "" {
			if d, has := top["detail"]; has {
				eb.Message = detailText(d, &eb)
			}
		}
		if eb.Message == "" {
			eb.Message = jsonString(top["message"])
		}
		return eb, true
	}
	if d, has := top["detail"]; has && !isNull(d) {
		eb.Message = detailText(d, &eb)
		return eb, eb.Message != ""
	}
	if jsonString(top["object"]) == "error" {
		eb.Message = jsonString(top["message"])
		eb.Type = jsonString(top["type"])
		eb.Code = codeText(top["code"])
		return eb, true
	}
	// Gateways and proxies: {"message": "..."} alone.
	if m := jsonString(top["message"]); m != "" {
		if _, hasChoices := top["choices"]; !hasChoices {
			eb.Message = m
			eb.Type = jsonString(top["type"])
			eb.Code = codeText(top["code"])
			return eb, true
		}
	}
	return eb, false
}

func readErrorValue(raw json.RawMessage, eb *errorBody) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		eb.Message = s
		return
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return
	}
	eb.Message = jsonString(obj["message"])
	eb.Type = jsonString(obj["type"])
	eb.Code = codeText(obj["code"])
	eb.UpgradeURL = jsonString(obj["upgrade_url"])
	if d, has := obj["detail"]; has {
		if dt := detailText(d, eb); dt != "" && dt != eb.Message {
			if eb.Message == "" {
				eb.Message = dt
			} else {
				eb.Message += " — " + dt
			}
		}
	}
	if eb.Message == "" {
		eb.Message = jsonString(obj["msg"])
	}
	// OpenRouter puts the upstream provider's message in metadata.raw.
	if md, has := obj["metadata"]; has {
		var m struct {
			Raw          json.RawMessage `json:"raw"`
			ProviderName string          `json:"provider_name"`
		}
		if json.Unmarshal(md, &m) == nil {
			if r := jsonString(m.Raw); r != "" && !strings.Contains(eb.Message, r) && len(r) < 500 {
				eb.Message += " — " + r
			}
		}
	}
}

// detailText reads a FastAPI detail: a string, a list of validation errors,
// or an object.
func detailText(raw json.RawMessage, eb *errorBody) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []struct {
		Loc  []json.RawMessage `json:"loc"`
		Msg  string            `json:"msg"`
		Type string            `json:"type"`
	}
	if json.Unmarshal(raw, &list) == nil {
		var parts []string
		for _, v := range list {
			var loc []string
			for i, l := range v.Loc {
				t := strings.Trim(string(l), `"`)
				if i == 0 && (t == "body" || t == "query" || t == "header") && len(v.Loc) > 1 {
					continue
				}
				loc = append(loc, t)
			}
			if len(loc) > 0 {
				parts = append(parts, strings.Join(loc, ".")+": "+v.Msg)
			} else {
				parts = append(parts, v.Msg)
			}
			if eb.Type == "" {
				eb.Type = v.Type
			}
		}
		return strings.Join(parts, "; ")
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		if eb.UpgradeURL == "" {
			eb.UpgradeURL = jsonString(obj["upgrade_url"])
		}
		if eb.Type == "" {
			eb.Type = jsonString(obj["type"])
		}
		for _, k := range []string{"message", "msg", "error", "detail"} {
			if t := jsonString(obj[k]); t != "" {
				return t
			}
		}
	}
	return ""
}

func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// codeText reads an error code that may be a string or a number.
func codeText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		return jsonString(raw)
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw)
	}
	return ""
}

// requestID returns the request id a server sent, if any.
func requestID(h header) string {
	for _, k := range []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "Openai-Request-Id"} {
		if v := h.Get(k); v != "" {
			if len(v) > 200 {
				v = v[:200]
			}
			return v
		}
	}
	return ""
}

// durationOf converts n units to a duration, saturating instead of
// overflowing for absurd values (1e30, +Inf): such a wait is refused, not
// turned into a negative one and retried at once.
func durationOf(n float64, unit time.Duration) time.Duration {
	if math.IsNaN(n) || n >= float64(math.MaxInt64)/float64(unit) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(n * float64(unit))
}

// retryAfter reads retry-after-ms, then Retry-After (seconds or HTTP date).
func retryAfter(h header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 {
			return durationOf(ms, time.Millisecond)
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return durationOf(s, time.Second)
	}
	if t, err := parseHTTPTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// rateLimitInfo reads the Swarms and OpenAI rate-limit headers.
func rateLimitInfo(h header) *RateLimitInfo {
	var r RateLimitInfo
	found := false
	num := func(k string) int {
		v := h.Get(k)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0
		}
		found = true
		return n
	}
	r.LimitMinute = num("X-Ratelimit-Limit-Minute")
	r.RemainingMinute = num("X-Ratelimit-Remaining-Minute")
	r.LimitDay = num("X-Ratelimit-Limit-Day")
	r.RemainingDay = num("X-Ratelimit-Remaining-Day")
	r.LimitRequests = num("X-Ratelimit-Limit-Requests")
	r.RemainingRequests = num("X-Ratelimit-Remaining-Requests")
	r.LimitTokens = num("X-Ratelimit-Limit-Tokens")
	r.RemainingTokens = num("X-Ratelimit-Remaining-Tokens")
	if v := strings.TrimSpace(h.Get("X-Ratelimit-Reset")); v != "" {
		if sec, err := strconv.ParseFloat(v, 64); err == nil && sec > 1e9 {
			r.Reset = time.Unix(int64(sec), 0)
			found = true
		}
	}
	if v := h.Get("X-Ratelimit-Tier"); v != "" {
		r.Tier = v
		found = true
	}
	if !found {
		return nil
	}
	return &r
}

// statusError turns a non-2xx response into an *Error.
func statusError(resp *response, body []byte, key string) *Error {
	st := resp.StatusCode
	e := &Error{
		Status:     st,
		RequestID:  requestID(resp.Header),
		RetryAfter: retryAfter(resp.Header, time.Now()),
		RateLimit:  rateLimitInfo(resp.Header),
	}
	eb, ok := parseErrorBody(body)
	if !ok {
		eb.Message = plainSnippet(resp.Header.Get("Content-Type"), body)
	}
	e.Type, e.Code, e.UpgradeURL = eb.Type, eb.Code, eb.UpgradeURL
	var summary string
	switch {
	case st == 401:
		e.Kind, summary = KindAuth, "the API key was not accepted; check it in settings"
	case st == 402:
		e.Kind, summary = KindCredits, "your credit balance is too low for this request"
	case st == 403 && (eb.Type == "premium_access_required" || eb.UpgradeURL != ""):
		e.Kind, summary = KindPremium, "this model needs a premium plan"
	case st == 403:
		e.Kind, summary = KindPermission, "the key is not allowed to do this"
	case st == 429 && (eb.Code == "insufficient_quota" || eb.Type == "insufficient_quota"):
		e.Kind, summary = KindCredits, "the account has run out of quota"
	case st == 429:
		e.Kind, summary = KindRateLimit, "rate limit reached"
		e.Retryable = true
	case st == 404:
		e.Kind, summary = KindInvalidRequest, "not found; check the base URL and the model name"
	case st == 408 || st == 409:
		e.Kind, summary = KindServer, "the server could not handle the request in time"
		e.Retryable = true
	case st >= 500:
		e.Kind, summary = KindServer, fmt.Sprintf("the server had an error (%s)", statusText(st))
		e.Retryable = true
	case st >= 400:
		e.Kind, summary = KindInvalidRequest, "the server rejected the request"
	default:
		e.Kind, summary = KindBadResponse, fmt.Sprintf("unexpected reply %s", statusText(st))
	}
	msg := summary
	if eb.Message != "" {
		msg += ": " + eb.Message
	}
	if e.Kind == KindRateLimit && e.RetryAfter > 0 {
		msg += fmt.Sprintf("; try again in %s", roundDuration(e.RetryAfter))
	}
	if e.Kind == KindPremium && e.UpgradeURL != "" && !strings.Contains(msg, e.UpgradeURL) {
		msg += " (upgrade at " + e.UpgradeURL + ")"
	}
	e.Message = redact(msg, key)
	e.UpgradeURL = redact(e.UpgradeURL, key)
	e.Type = redact(e.Type, key)
	e.Code = redact(e.Code, key)
	return e
}

// streamError turns an error sent inside a 200 response into an *Error.
func streamError(eb errorBody, status int, reqID, key string, partial bool) *Error {
	e := &Error{Kind: KindServer, Status: status, RequestID: reqID, Type: eb.Type, Code: eb.Code, Partial: partial}
	switch {
	case eb.Code == "429" || strings.Contains(eb.Type, "rate_limit") || strings.Contains(eb.Code, "rate_limit"):
		e.Kind = KindRateLimit
	case eb.Code == "401" || eb.Type == "authentication_error":
		e.Kind = KindAuth
	case eb.Code == "402" || eb.Code == "insufficient_quota":
		e.Kind = KindCredits
	}
	msg := eb.Message
	if msg == "" {
		msg = "unknown error"
	}
	e.Message = redact("the server reported an error: "+msg, key)
	e.Type = redact(e.Type, key)
	e.Code = redact(e.Code, key)
	return e
}

func statusText(st int) string {
	if t := statusTexts[st]; t != "" {
		return fmt.Sprintf("%d %s", st, t)
	}
	return strconv.Itoa(st)
}

// plainSnippet returns a short plain-text body as a message; HTML pages and
// long bodies are left out.
func plainSnippet(ctype string, body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" || len(s) > 300 || strings.Contains(strings.ToLower(ctype), "html") || strings.HasPrefix(s, "<") {
		return ""
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func roundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// parseHTTPTime parses an HTTP date in any of the three formats RFC 9110
// allows.
func parseHTTPTime(v string) (time.Time, error) {
	var err error
	for _, layout := range []string{"Mon, 02 Jan 2006 15:04:05 GMT", time.RFC850, time.ANSIC} {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// statusTexts name the statuses a chat API answers with.
var statusTexts = map[int]string{
	200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
	301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
	405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
	411: "Length Required", 413: "Request Entity Too Large", 414: "Request URI Too Long", 415: "Unsupported Media Type",
	422: "Unprocessable Entity", 424: "Failed Dependency", 425: "Too Early", 429: "Too Many Requests",
	431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
	504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage", 511: "Network Authentication Required",
}
