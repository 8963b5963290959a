package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"murmur/backend/llm"
)

const (
	// maxReplyBody bounds a non-streamed reply read from the upstream.
	maxReplyBody = 32 << 20
	// maxErrorBody bounds an upstream error body passed on.
	maxErrorBody = 1 << 20
	// modelsTimeout bounds a model list request.
	modelsTimeout = time.Minute
	userAgent     = "murmur-serve"
)

// chat proxies POST /v1/chat/completions.
func (s *Server) chat(w *recorder, r *http.Request, info *reqInfo) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		info.note = "not JSON"
		s.fail(w, http.StatusUnsupportedMediaType, "unsupported media type: send the body as application/json")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w.ResponseWriter, r.Body, s.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			info.note = "body over --max-body"
			s.fail(w, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("request too large: the body is over this server's limit of %s", formatSize(s.cfg.MaxBody)))
			return
		}
		info.note = "the request body could not be read"
		s.fail(w, http.StatusBadRequest, "bad request: the request body could not be read in time")
		return
	}

	req, problems := checkChat(body, s.limits)
	if problems != nil {
		info.note = "invalid body"
		b, _ := json.Marshal(map[string]any{"detail": problems})
		writeJSON(w, http.StatusUnprocessableEntity, b)
		return
	}
	info.model, info.stream = req.model, req.stream

	release, refused := s.streams.acquire(info.limitKey)
	switch refused {
	case capClient:
		info.note = "too many streams of the client"
		w.Header().Set("Retry-After", "1")
		s.fail(w, http.StatusTooManyRequests,
			fmt.Sprintf("too many requests at once: at most %d replies per client may be in progress; wait for one to finish", s.cfg.MaxStreamsPerClient))
		return
	case capTotal:
		info.note = "too many streams in total"
		w.Header().Set("Retry-After", "5")
		s.fail(w, http.StatusServiceUnavailable, "the server is busy: too many replies are in progress; try again shortly")
		return
	}
	defer release()

	ctx, cancel := context.WithTimeoutCause(r.Context(), s.cfg.TotalTimeout, errTotalTimeout)
	defer cancel()
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	up, err := http.NewRequestWithContext(ctx, http.MethodPost, s.chatURL, bytes.NewReader(req.body))
	if err != nil {
		info.note = "cannot build the upstream request"
		s.fail(w, http.StatusInternalServerError, "internal error: cannot build the upstream request")
		return
	}
	up.Header.Set("Content-Type", "application/json")
	if req.stream {
		up.Header.Set("Accept", "text/event-stream")
	} else {
		up.Header.Set("Accept", "application/json")
	}
	s.authorize(up)

	resp, err := s.client.Do(up)
	if err != nil {
		s.upstreamFailed(ctx, w, r, err, info)
		return
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 300:
		s.passError(w, r, resp, info)
	case isEventStream(resp.Header):
		s.pipe(ctx, stop, w, r, resp, info)
	default:
		s.passBody(ctx, w, r, resp, info)
	}
}

// models proxies GET /v1/models, keeping only the allowed models.
func (s *Server) models(w *recorder, r *http.Request, info *reqInfo) {
	ctx, cancel := context.WithTimeoutCause(r.Context(), min(s.cfg.TotalTimeout, modelsTimeout), errTotalTimeout)
	defer cancel()
	up, err := http.NewRequestWithContext(ctx, http.MethodGet, s.modelsURL, nil)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "internal error: cannot build the upstream request")
		return
	}
	up.Header.Set("Accept", "application/json")
	s.authorize(up)
	resp, err := s.client.Do(up)
	if err != nil {
		s.upstreamFailed(ctx, w, r, err, info)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		s.passError(w, r, resp, info)
		return
	}
	b, err := readAtMost(resp.Body, maxReplyBody)
	if errors.Is(err, errTooLarge) {
		info.note = "the provider's model list is too large"
		s.fail(w, http.StatusBadGateway, "bad gateway: the provider's model list is larger than 32MB")
		return
	}
	if err != nil {
		s.upstreamFailed(ctx, w, r, err, info)
		return
	}
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &list) != nil || list.Data == nil {
		info.note = "the provider's model list is not readable"
		s.fail(w, http.StatusBadGateway, "bad gateway: the provider sent a model list that is not an OpenAI model list")
		return
	}
	var out bytes.Buffer
	out.WriteString(`{"object":"list","data":[`)
	n := 0
	for _, item := range list.Data {
		var m struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(item, &m) != nil || m.ID == "" {
			continue
		}
		if s.limits.models != nil && !s.limits.models[m.ID] {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		json.Compact(&out, item)
	}
	out.WriteString("]}")
	s.copyReplyHeaders(w.Header(), resp.Header)
	writeJSON(w, http.StatusOK, s.redact(out.Bytes()))
}

// authorize adds the provider's own headers and the key the way the provider
// expects it. Nothing of the client's request is copied: its headers never
// reach the upstream.
func (s *Server) authorize(up *http.Request) {
	up.Header.Set("User-Agent", userAgent)
	for k, v := range s.cfg.Headers {
		up.Header.Set(k, v)
	}
	switch s.cfg.Auth {
	case llm.AuthXAPIKey:
		up.Header.Set("X-Api-Key", s.cfg.Key)
	case llm.AuthBearer:
		up.Header.Set("Authorization", "Bearer "+s.cfg.Key)
	}
}

// upstreamFailed answers a request whose upstream call failed before a
// reply was passed on.
func (s *Server) upstreamFailed(ctx context.Context, w *recorder, r *http.Request, err error, info *reqInfo) {
	if r.Context().Err() != nil {
		info.gone = true
		info.note = "the client went away"
		return
	}
	var ne net.Error
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errTotalTimeout):
		info.note = "total timeout"
		s.fail(w, http.StatusGatewayTimeout, fmt.Sprintf("gateway timeout: the provider did not answer within %s", s.timeoutFor(r)))
	case errors.As(err, &ne) && ne.Timeout():
		info.note = "the provider's reply did not start in time"
		s.fail(w, http.StatusGatewayTimeout, fmt.Sprintf("gateway timeout: the provider's reply did not start within %s", s.cfg.HeaderTimeout))
	default:
		info.note = "the provider could not be reached: " + err.Error()
		s.fail(w, http.StatusBadGateway, "bad gateway: the provider could not be reached")
	}
}

func (s *Server) timeoutFor(r *http.Request) time.Duration {
	if strings.HasSuffix(r.URL.Path, "/models") {
		return min(s.cfg.TotalTimeout, modelsTimeout)
	}
	return s.cfg.TotalTimeout
}

// passError passes an upstream error on: its status, and its body with the
// key redacted when it is JSON, or a short text of it when it is not.
func (s *Server) passError(w *recorder, r *http.Request, resp *http.Response, info *reqInfo) {
	status := resp.StatusCode
	if status < 400 {
		info.note = fmt.Sprintf("the provider answered with a redirect (HTTP %d)", status)
		s.fail(w, http.StatusBadGateway, "bad gateway: the provider answered with a redirect, which this server does not follow")
		return
	}
	info.note = fmt.Sprintf("the provider answered HTTP %d", status)
	b, err := readAtMost(resp.Body, maxErrorBody)
	if err != nil && r.Context().Err() != nil {
		info.gone = true
		return
	}
	b = s.redact(b)
	h := w.Header()
	s.copyReplyHeaders(h, resp.Header)
	if ra := resp.Header.Get("Retry-After"); ra != "" && len(ra) <= 64 && printableASCII(ra) {
		h.Set("Retry-After", ra)
	}
	if isJSON(resp.Header) && json.Valid(b) {
		writeJSON(w, status, b)
		return
	}
	msg := fmt.Sprintf("the provider answered HTTP %d", status)
	if text := snippet(b, 300); text != "" {
		msg += ": " + text
	}
	s.fail(w, status, msg)
}

// passBody passes a non-streamed reply on, key redacted, noting its usage.
func (s *Server) passBody(ctx context.Context, w *recorder, r *http.Request, resp *http.Response, info *reqInfo) {
	b, err := readAtMost(resp.Body, maxReplyBody)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			info.note = "the provider's reply is too large"
			s.fail(w, http.StatusBadGateway, "bad gateway: the provider's reply is larger than 32MB")
			return
		}
		s.upstreamFailed(ctx, w, r, err, info)
		return
	}
	if !isJSON(resp.Header) || !json.Valid(b) {
		info.note = "the provider's reply is not JSON"
		s.fail(w, http.StatusBadGateway, "bad gateway: the provider sent a reply that is not JSON")
		return
	}
	info.usage = parseUsage(b)
	s.copyReplyHeaders(w.Header(), resp.Header)
	writeJSON(w, resp.StatusCode, s.redact(b))
}

// pipe passes an event stream on as it arrives: every piece the upstream
// sends is written and flushed at once, lines with the key redacted.
func (s *Server) pipe(ctx context.Context, stop context.CancelCauseFunc, w *recorder, r *http.Request, resp *http.Response, info *reqInfo) {
	h := w.Header()
	s.copyReplyHeaders(h, resp.Header)
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(resp.StatusCode)
	if w.flush() != nil {
		info.gone = true
		return
	}
	// Until the first byte the upstream may be as slow as for its headers
	// (Swarms runs the whole agent first); after it, IdleTimeout applies.
	idle := time.AfterFunc(s.cfg.HeaderTimeout, func() { stop(errIdleTimeout) })
	defer idle.Stop()
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	buf := *bp
	rl := relay{key: s.key}
	defer func() { info.usage = rl.usage }()
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			idle.Reset(s.cfg.IdleTimeout)
			if rl.feed(buf[:n], w.Write) != nil || w.flush() != nil {
				info.gone = true
				return
			}
		}
		if err == nil {
			continue
		}
		if err == io.EOF {
			if rl.finish(w.Write) == nil {
				w.flush()
			}
			return
		}
		if r.Context().Err() != nil {
			info.gone = true
			return
		}
		var msg, code string
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errIdleTimeout):
			msg, code = fmt.Sprintf("the provider sent nothing for %s", s.idleFor(rl.started)), "idle_timeout"
		case errors.Is(cause, errTotalTimeout):
			msg, code = fmt.Sprintf("the reply took longer than this server's limit of %s", s.cfg.TotalTimeout), "total_timeout"
		default:
			// The upstream broke the stream: break ours the same way, so the
			// client sees a cut reply and not a clean end.
			info.note = "the provider broke the stream: " + err.Error()
			rl.finish(w.Write)
			w.flush()
			panic(http.ErrAbortHandler)
		}
		info.note = msg
		rl.endEvent(w.Write)
		ev, _ := json.Marshal(map[string]any{"error": map[string]string{"message": msg, "type": "timeout", "code": code}})
		w.Write([]byte("data: " + string(ev) + "\n\n"))
		w.flush()
		return
	}
}

func (s *Server) idleFor(started bool) time.Duration {
	if started {
		return s.cfg.IdleTimeout
	}
	return s.cfg.HeaderTimeout
}

// copyReplyHeaders copies the one upstream reply header worth passing on
// (besides Retry-After on errors): the request id, which support asks for.
func (s *Server) copyReplyHeaders(dst, src http.Header) {
	if v := src.Get("X-Request-Id"); v != "" && len(v) <= 200 && printableASCII(v) {
		dst.Set("X-Request-Id", string(s.redact([]byte(v))))
	}
}

// redact replaces every occurrence of the key.
func (s *Server) redact(b []byte) []byte { return redactKey(b, s.key) }

// redactKey replaces every occurrence of key in b; b itself when there is none.
func redactKey(b, key []byte) []byte {
	if len(key) == 0 || !bytes.Contains(b, key) {
		return b
	}
	return bytes.ReplaceAll(b, key, redacted)
}

var redacted = []byte("[redacted]")

var errTooLarge = errors.New("too large")

// readAtMost reads r to its end, failing with errTooLarge past limit bytes.
func readAtMost(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

func isEventStream(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && mt == "text/event-stream"
}

func isJSON(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// snippet returns up to n printable characters of b on one line.
func snippet(b []byte, n int) string {
	var out strings.Builder
	for len(b) > 0 && out.Len() < n {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '?'
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case r < ' ' || r == 0x7f:
			r = '?'
		}
		out.WriteRune(r)
	}
	if len(b) > 0 {
		out.WriteString("…")
	}
	return strings.TrimSpace(out.String())
}

// usage is the token usage of a reply.
type usage struct {
	Prompt     int `json:"prompt_tokens"`
	Completion int `json:"completion_tokens"`
	Total      int `json:"total_tokens"`
}

// parseUsage reads the usage member of a reply or chunk, nil if none.
func parseUsage(b []byte) *usage {
	var v struct {
		Usage *usage `json:"usage"`
	}
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return v.Usage
}

// relay passes an event stream through line by line: whole lines are
// written as soon as they arrive, with the key redacted and usage chunks
// noted; the unfinished last line waits for its end (up to maxCarry bytes,
// after which it is passed on too, minus a tail that could hold the start
// of the key).
type relay struct {
	key     []byte
	carry   []byte
	usage   *usage
	started bool
	// last holds the last bytes written, to end an open event cleanly.
	last [2]byte
}

const maxCarry = 64 << 10

var usageMark = []byte(`"usage"`)

type writeFunc func([]byte) (int, error)

// feed passes on what p completes.
func (rl *relay) feed(p []byte, write writeFunc) error {
	rl.started = true
	data := p
	if len(rl.carry) > 0 {
		rl.carry = append(rl.carry, p...)
		data = rl.carry
	}
	end := bytes.LastIndexAny(data, "\r\n") + 1
	if end > 0 {
		if err := rl.emit(data[:end], write, true); err != nil {
			return err
		}
	}
	rest := data[end:]
	if len(rest) > maxCarry {
		out := redactKey(rest, rl.key)
		hold := min(max(len(rl.key)-1, 0), len(out))
		if err := rl.emit(out[:len(out)-hold], write, false); err != nil {
			return err
		}
		rest = out[len(out)-hold:]
	}
	// rest may be the tail of carry itself: append moves it down safely.
	rl.carry = append(rl.carry[:0], rest...)
	return nil
}

// finish passes on an unfinished last line at the end of the stream.
func (rl *relay) finish(write writeFunc) error {
	if len(rl.carry) == 0 {
		return nil
	}
	out := redactKey(rl.carry, rl.key)
	rl.carry = rl.carry[:0]
	return rl.emit(out, write, false)
}

// endEvent drops an unfinished line and ends the event in progress, so that
// an event the server adds stands on its own.
func (rl *relay) endEvent(write writeFunc) {
	rl.carry = rl.carry[:0]
	lineEnd := func(c byte) bool { return c == '\n' || c == '\r' }
	switch {
	case rl.last == [2]byte{}:
	case !lineEnd(rl.last[1]):
		write([]byte("\n\n"))
	case !lineEnd(rl.last[0]) || rl.last == [2]byte{'\r', '\n'}:
		write([]byte("\n"))
	}
}

func (rl *relay) emit(b []byte, write writeFunc, wholeLines bool) error {
	if len(b) == 0 {
		return nil
	}
	if wholeLines {
		b = redactKey(b, rl.key)
		if bytes.Contains(b, usageMark) {
			rl.noteUsage(b)
		}
	}
	if len(b) >= 2 {
		rl.last = [2]byte{b[len(b)-2], b[len(b)-1]}
	} else {
		rl.last = [2]byte{rl.last[1], b[0]}
	}
	_, err := write(b)
	return err
}

// noteUsage keeps the usage of the last data line that has one.
func (rl *relay) noteUsage(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\r\n")
		line := b
		if i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if data, ok := bytes.CutPrefix(line, []byte("data:")); ok && bytes.Contains(data, usageMark) {
			if u := parseUsage(data); u != nil {
				rl.usage = u
			}
		}
	}
}
