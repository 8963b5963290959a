package llmtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DevConfig configures the demo server.
type DevConfig struct {
	// TokensPerSecond is the streaming rate (default 40).
	TokensPerSecond float64
	// FirstByteDelay is waited before the first byte of every chat reply,
	// like the Swarms API that runs the whole agent first.
	FirstByteDelay time.Duration
	// Key, when set, is the API key requests must send (x-api-key or Bearer).
	Key string
	// Models is the model catalog (a default list when empty).
	Models []string
}

// NewDevHandler returns a fake OpenAI-compatible API for demos and
// end-to-end runs. It answers POST /v1/chat/completions with readable
// scripted replies, streamed at the configured rate when the request asks
// for stream, plus /v1/models, /v1/models/available, /v1/account/credits,
// /v1/rate/limits and /health. A prompt starting with a command changes the
// reply: "/error 401|402|403|422|429|500" answers with that error,
// "/think" streams reasoning first, "/cut" ends the stream mid-answer,
// "/long" streams a long answer (about 2,000 tokens; "/long N": exactly N
// tokens, at most MaxLongTokens), "/echo text" repeats the text.
func NewDevHandler(cfg DevConfig) http.Handler {
	if cfg.TokensPerSecond <= 0 {
		cfg.TokensPerSecond = 40
	}
	if len(cfg.Models) == 0 {
		cfg.Models = []string{"gpt-4o-mini", "claude-sonnet-4-20250514", "openrouter/deepseek/deepseek-r1", "fake-model"}
	}
	d := &devServer{cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"ok"}`)
	})
	mux.HandleFunc("POST /v1/chat/completions", d.auth(d.chat))
	mux.HandleFunc("GET /v1/models", d.auth(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, ModelList(cfg.Models...))
	}))
	mux.HandleFunc("GET /v1/models/available", d.auth(func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(map[string]any{"success": true, "count": len(cfg.Models), "models": cfg.Models})
		writeJSON(w, 200, string(b))
	}))
	mux.HandleFunc("GET /v1/account/credits", d.auth(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"credit":12.5,"free_credit":5,"referral_credits":0,"total_credits":17.5}`)
	}))
	mux.HandleFunc("GET /v1/rate/limits", d.auth(func(w http.ResponseWriter, r *http.Request) {
		reset := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
		writeJSON(w, 200, fmt.Sprintf(`{"success":true,"rate_limits":{"minute":{"count":3,"limit":100,"exceeded":false,"remaining":97,"reset_time":%q},"hour":{"count":10,"limit":2000,"exceeded":false,"remaining":1990,"reset_time":%q},"day":{"count":42,"limit":1200,"exceeded":false,"remaining":1158,"reset_time":%q}},"tier":"free"}`, reset, reset, reset))
	}))
	return mux
}

type devServer struct {
	cfg DevConfig
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

func (d *devServer) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d.cfg.Key != "" {
			got := r.Header.Get("X-Api-Key")
			if got == "" {
				got = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			}
			if got != d.cfg.Key {
				writeJSON(w, 401, `{"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key"}}`)
				return
			}
		}
		next(w, r)
	}
}

type devRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

func (d *devServer) chat(w http.ResponseWriter, r *http.Request) {
	var req devRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 422, `{"detail":[{"loc":["body"],"msg":"body is not valid JSON","type":"json_invalid"}]}`)
		return
	}
	if req.Model == "" || len(req.Messages) == 0 {
		writeJSON(w, 422, `{"detail":[{"loc":["body","model"],"msg":"Field required","type":"missing"}]}`)
		return
	}
	prompt := lastUserText(req.Messages)
	cmd, arg, _ := strings.Cut(strings.TrimSpace(prompt), " ")
	if cmd == "/error" {
		d.errorReply(w, strings.TrimSpace(arg))
		return
	}
	if cmd == "/long" && strings.TrimSpace(arg) != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(arg)); err != nil || n < 1 || n > MaxLongTokens {
			writeJSON(w, 422, fmt.Sprintf(`{"detail":[{"loc":["body","messages"],"msg":"/long takes a number of tokens from 1 to %d","type":"value_error"}]}`, MaxLongTokens))
			return
		}
	}
	answer, reasoning, cut := scriptedAnswer(cmd, arg, prompt)
	if !wait(r.Context(), d.cfg.FirstByteDelay) {
		return
	}
	promptTokens := len(strings.Fields(prompt)) + 8
	tokens := splitTokens(answer)
	if !req.Stream {
		msg := map[string]any{"role": "assistant", "content": answer}
		if reasoning != "" {
			msg["reasoning_content"] = reasoning
		}
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-dev", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": "stop"}},
			"usage":   map[string]int{"prompt_tokens": promptTokens, "completion_tokens": len(tokens), "total_tokens": promptTokens + len(tokens)},
		})
		writeJSON(w, 200, string(b))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(200)
	created := time.Now().Unix()
	send := func(delta map[string]any, finish any, usage any) bool {
		ch := map[string]any{"id": "chatcmpl-dev", "object": "chat.completion.chunk", "created": created, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
		if usage != nil {
			ch["choices"] = []any{}
			ch["usage"] = usage
		}
		b, _ := json.Marshal(ch)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		flush(w)
		return true
	}
	gap := time.Duration(float64(time.Second) / d.cfg.TokensPerSecond)
	if !send(map[string]any{"role": "assistant"}, nil, nil) {
		return
	}
	for _, t := range splitTokens(reasoning) {
		if !wait(r.Context(), gap) || !send(map[string]any{"reasoning_content": t}, nil, nil) {
			return
		}
	}
	for i, t := range tokens {
		if cut && i == len(tokens)/2 {
			drop(w)
			return
		}
		if !wait(r.Context(), gap) || !send(map[string]any{"content": t}, nil, nil) {
			return
		}
	}
	send(map[string]any{}, "stop", nil)
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		send(nil, nil, map[string]int{"prompt_tokens": promptTokens, "completion_tokens": len(tokens), "total_tokens": promptTokens + len(tokens)})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	flush(w)
}

func (d *devServer) errorReply(w http.ResponseWriter, code string) {
	switch code {
	case "401":
		writeJSON(w, 401, `{"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key"}}`)
	case "402":
		writeJSON(w, 402, `{"detail":"Insufficient credits. Please top up your account."}`)
	case "403":
		writeJSON(w, 403, `{"error":{"type":"premium_access_required","message":"This model requires a premium subscription.","detail":"Try gpt-4o-mini instead.","status_code":403,"upgrade_url":"https://swarms.world/platform/account","documentation":"https://docs.swarms.ai"}}`)
	case "422":
		writeJSON(w, 422, `{"detail":[{"loc":["body","messages",0,"role"],"msg":"Input should be 'system', 'user' or 'assistant'","type":"literal_error"}]}`)
	case "429":
		w.Header().Set("Retry-After", "20")
		w.Header().Set("X-RateLimit-Limit-Minute", "100")
		w.Header().Set("X-RateLimit-Remaining-Minute", "0")
		w.Header().Set("X-RateLimit-Tier", "free")
		writeJSON(w, 429, `{"error":{"message":"Rate limit exceeded","type":"rate_limit_error","code":"rate_limit_exceeded"}}`)
	default:
		writeJSON(w, 500, `{"error":{"message":"Internal server error","type":"server_error"}}`)
	}
}

func lastUserText(msgs []struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != "user" {
			continue
		}
		var s string
		if json.Unmarshal(msgs[i].Content, &s) == nil {
			return s
		}
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if json.Unmarshal(msgs[i].Content, &parts) == nil {
			var texts []string
			for _, p := range parts {
				if p.Type == "text" {
					texts = append(texts, p.Text)
				}
			}
			return strings.Join(texts, "\n")
		}
	}
	return ""
}

// devAnswers returns the canned answers.
func devAnswers() [4]string {
	return [...]string{
		"Here is a short answer.\n\nStreaming works: this text arrives a few characters at a time, and the final message is saved when the stream ends.",
		"## A small example\n\n- Lists render as lists\n- **Bold** and *italic* text render too\n\n```go\nfunc hello() string {\n\treturn \"hello, world\"\n}\n```\n\nThat is all.",
		"| Column | Value |\n|---|---|\n| alpha | 1 |\n| beta | 2 |\n\nTables, `inline code` and [links](https://example.com) are part of the reply.",
		"I am a fake model running on this machine. I do not know anything, but I answer quickly and always in the same way, which is what tests need.",
	}
}

// scriptedAnswer picks a readable answer for a prompt.
func scriptedAnswer(cmd, arg, prompt string) (answer, reasoning string, cut bool) {
	answers := devAnswers()
	switch cmd {
	case "/echo":
		return arg, "", false
	case "/think":
		return answers[0], "The user wants to see reasoning. I will think briefly, then answer.", false
	case "/cut":
		return answers[3], "", true
	case "/long":
		if n, err := strconv.Atoi(strings.TrimSpace(arg)); err == nil {
			return longAnswer(n), "", false
		}
		return longParagraphs(60), "", false
	}
	h := fnv.New32a()
	h.Write([]byte(prompt))
	return answers[h.Sum32()%uint32(len(answers))], "", false
}

// MaxLongTokens bounds the length "/long N" asks for.
const MaxLongTokens = 200_000

// longParagraphs is n numbered paragraphs of the canned answers in turn
// (prose, a list with a code block, a table).
func longParagraphs(n int) string {
	answers := devAnswers()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("Paragraph " + strconv.Itoa(i) + ". " + answers[i%len(answers)] + "\n\n")
	}
	return b.String()
}

// longAnswer is the first n tokens of as many paragraphs as that takes.
func longAnswer(n int) string {
	paragraphs := 60
	tokens := splitTokens(longParagraphs(paragraphs))
	for len(tokens) < n {
		paragraphs *= 2
		tokens = splitTokens(longParagraphs(paragraphs))
	}
	return strings.Join(tokens[:n], "")
}

// splitTokens cuts text into word-sized pieces that join back to it.
func splitTokens(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != ' ' && s[i] != '\n' {
			i++
		}
		for i < len(s) && (s[i] == ' ' || s[i] == '\n') {
			i++
		}
		if i == 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}
