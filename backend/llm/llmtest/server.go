// Package llmtest is a programmable fake OpenAI-compatible server. Tests
// script, per path, the replies it gives (status, headers, JSON bodies, or
// event streams with delays, keep-alive comments, dropped connections and
// hangs) and inspect the requests it received. NewDevHandler serves readable
// scripted answers for demos and end-to-end runs.
//
// It listens on 127.0.0.1 only and is meant for tests and local use.
package llmtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// ChatPath is the chat-completions path.
const ChatPath = "/v1/chat/completions"

// Step is one piece of a scripted event-stream body.
type Step struct {
	// Delay is waited before the step (ended early when the client leaves).
	Delay time.Duration
	// Data is written as is and flushed.
	Data string
	// Drop closes the connection abruptly instead of ending the body.
	Drop bool
	// Hang blocks until the client goes away.
	Hang bool
}

// Reply is how the server answers one request.
type Reply struct {
	// Status defaults to 200.
	Status int
	// Header holds extra response headers.
	Header map[string]string
	// ContentType defaults to text/event-stream when Steps is set, else
	// application/json.
	ContentType string
	// Body is the whole body of a reply without Steps.
	Body string
	// Gzip compresses Body (Content-Encoding: gzip).
	Gzip bool
	// Steps make the body an event stream written step by step.
	Steps []Step
	// Delay is waited before the response headers.
	Delay time.Duration
	// DropBeforeHeaders closes the connection without any response.
	DropBeforeHeaders bool
	// Redirect sends a redirect to this URL (status 307 unless Status is set).
	Redirect string
	// Handler, when set, serves the request instead of everything above.
	Handler http.HandlerFunc
}

// Recorded is a request the server received.
type Recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// JSON decodes the request body as a JSON object (nil if it is not one).
func (r Recorded) JSON() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		return nil
	}
	return m
}

// Server is the programmable fake server.
type Server struct {
	// URL is the API base URL, with /v1 ("http://127.0.0.1:PORT/v1").
	URL string
	// Origin is the URL without /v1.
	Origin string

	ts     *httptest.Server
	mu     sync.Mutex
	queues map[string][]Reply
	static map[string]Reply
	reqs   []Recorded
}

// NewServer starts a fake server on a loopback port. Close it when done.
func NewServer() *Server {
	s := &Server{queues: map[string][]Reply{}, static: map[string]Reply{}}
	s.ts = httptest.NewServer(s)
	s.Origin = s.ts.URL
	s.URL = s.ts.URL + "/v1"
	return s
}

// Close stops the server and ends every pending request.
func (s *Server) Close() {
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// Client returns an *http.Client that reaches the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Enqueue adds replies for path ("/v1/models"), used once each, in order.
func (s *Server) Enqueue(path string, replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queues[path] = append(s.queues[path], replies...)
}

// Chat enqueues replies for the chat-completions path.
func (s *Server) Chat(replies ...Reply) { s.Enqueue(ChatPath, replies...) }

// Always makes r the reply for path whenever its queue is empty.
func (s *Server) Always(path string, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.static[path] = r
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.reqs...)
}

// Count returns how many requests path received.
func (s *Server) Count(path string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// ServeHTTP records the request and plays the next reply for its path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, Recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	rep, ok := Reply{}, false
	if q := s.queues[r.URL.Path]; len(q) > 0 {
		rep, ok = q[0], true
		s.queues[r.URL.Path] = q[1:]
	} else if st, has := s.static[r.URL.Path]; has {
		rep, ok = st, true
	}
	s.mu.Unlock()
	if !ok {
		rep = JSON(404, `{"error":{"message":"no scripted reply for `+r.URL.Path+`","type":"invalid_request_error"}}`)
	}
	Play(w, r, rep)
}

// Play writes rep as the response to r.
func Play(w http.ResponseWriter, r *http.Request, rep Reply) {
	if rep.Handler != nil {
		rep.Handler(w, r)
		return
	}
	ctx := r.Context()
	if !wait(ctx, rep.Delay) {
		return
	}
	if rep.DropBeforeHeaders {
		drop(w)
		return
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	status := rep.Status
	if rep.Redirect != "" {
		if status == 0 {
			status = http.StatusTemporaryRedirect
		}
		w.Header().Set("Location", rep.Redirect)
		w.WriteHeader(status)
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	if rep.Steps == nil {
		ct := rep.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		body := []byte(rep.Body)
		if rep.Gzip {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(body)
			zw.Close()
			body = buf.Bytes()
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	ct := rep.ContentType
	if ct == "" {
		ct = "text/event-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	flush(w)
	for _, st := range rep.Steps {
		if !wait(ctx, st.Delay) {
			return
		}
		switch {
		case st.Drop:
			drop(w)
			return
		case st.Hang:
			<-ctx.Done()
			return
		}
		if st.Data != "" {
			if _, err := io.WriteString(w, st.Data); err != nil {
				return
			}
			flush(w)
		}
	}
}

func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func flush(w http.ResponseWriter) {
	http.NewResponseController(w).Flush()
}

// drop closes the connection without ending the response properly.
func drop(w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	buf.Flush()
	conn.Close()
}

// JSON is a reply with a JSON body.
func JSON(status int, body string) Reply { return Reply{Status: status, Body: body} }

// SSE is a 200 event-stream reply made of steps.
func SSE(steps ...Step) Reply { return Reply{Steps: append([]Step{}, steps...)} }

// Data is a step writing one "data:" event.
func Data(payload string) Step { return Step{Data: "data: " + payload + "\n\n"} }

// Raw is a step writing s as is.
func Raw(s string) Step { return Step{Data: s} }

// Comment is a keep-alive comment step.
func Comment(text string) Step { return Step{Data: ": " + text + "\n\n"} }

// Done is the "data: [DONE]" step.
func Done() Step { return Data("[DONE]") }

// Wait is a step that only waits.
func Wait(d time.Duration) Step { return Step{Delay: d} }

// Drop is a step that breaks the connection.
func Drop() Step { return Step{Drop: true} }

// Hang is a step that blocks until the client goes away.
func Hang() Step { return Step{Hang: true} }

// After returns st with a delay before it.
func After(d time.Duration, st Step) Step { st.Delay = d; return st }

// ChunkID is the id the chunk helpers use.
const ChunkID = "chatcmpl-fake"

// RoleChunk is a chunk carrying the assistant role.
func RoleChunk() string {
	return `{"id":"` + ChunkID + `","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}`
}

// ContentChunk is a chunk carrying a piece of content.
func ContentChunk(text string) string { return DeltaChunk(0, "content", text) }

// DeltaChunk is a chunk setting one delta field of choice index.
func DeltaChunk(index int, field, text string) string {
	v, _ := json.Marshal(text)
	return fmt.Sprintf(`{"id":"%s","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":%d,"delta":{%q:%s},"finish_reason":null}]}`,
		ChunkID, index, field, v)
}

// FinishChunk is a chunk with an empty delta and a finish reason.
func FinishChunk(reason string) string {
	return `{"id":"` + ChunkID + `","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[{"index":0,"delta":{},"finish_reason":"` + reason + `"}]}`
}

// UsageChunk is a usage-only last chunk (empty choices).
func UsageChunk(prompt, completion int) string {
	return fmt.Sprintf(`{"id":"%s","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`,
		ChunkID, prompt, completion, prompt+completion)
}

// Stream is the standard well-formed stream of texts: role, content
// pieces, finish "stop" and [DONE].
func Stream(texts ...string) Reply {
	steps := []Step{Data(RoleChunk())}
	for _, t := range texts {
		steps = append(steps, Data(ContentChunk(t)))
	}
	steps = append(steps, Data(FinishChunk("stop")), Done())
	return SSE(steps...)
}

// Completion is a non-streamed chat.completion body.
func Completion(text string, prompt, completion int) string {
	v, _ := json.Marshal(text)
	return fmt.Sprintf(`{"id":"chatcmpl-fake","object":"chat.completion","created":1,"model":"fake-model","choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`,
		v, prompt, completion, prompt+completion)
}

// ModelList is an OpenAI /v1/models body.
func ModelList(ids ...string) string {
	var b strings.Builder
	b.WriteString(`{"object":"list","data":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(",")
		}
		v, _ := json.Marshal(id)
		fmt.Fprintf(&b, `{"id":%s,"object":"model","created":1700000000,"owned_by":"fake"}`, v)
	}
	b.WriteString("]}")
	return b.String()
}
