package serve

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// recorder wraps a ResponseWriter: it notes the status and size for the
// access log, and pushes the connection's write deadline forward before
// every write, so a client that stops reading is cut off after WriteTimeout
// while one that keeps reading may stream for as long as the reply lasts.
type recorder struct {
	http.ResponseWriter
	rc           *http.ResponseController
	writeTimeout time.Duration
	deadlineSet  time.Time

	status int
	bytes  int64
}

// writeChunk bounds one write, so that each chunk gets a fresh deadline.
const writeChunk = 64 << 10

func newRecorder(w http.ResponseWriter, writeTimeout time.Duration) *recorder {
	return &recorder{ResponseWriter: w, rc: http.NewResponseController(w), writeTimeout: writeTimeout}
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	written := 0
	for len(p) > 0 {
		n := min(len(p), writeChunk)
		w.extend()
		m, err := w.ResponseWriter.Write(p[:n])
		written += m
		w.bytes += int64(m)
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

// Flush sends what is buffered (http.Flusher).
func (w *recorder) Flush() { w.flush() }

func (w *recorder) flush() error {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.extend()
	return w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// extend moves the write deadline to WriteTimeout from now (at most eight
// times per WriteTimeout, which keeps it cheap on a busy stream).
func (w *recorder) extend() {
	now := time.Now()
	if now.Sub(w.deadlineSet) < w.writeTimeout/8 {
		return
	}
	w.deadlineSet = now
	w.rc.SetWriteDeadline(now.Add(w.writeTimeout))
}

// logAccess writes the access line of a request: never a body, a header
// value other than Origin, a query or a key.
func (s *Server) logAccess(r *http.Request, w *recorder, info *reqInfo, start time.Time) {
	status := w.status
	switch {
	case info.gone:
		status = 499 // the client closed the request, as nginx logs it
	case status == 0:
		status = http.StatusOK
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String("client", info.client),
		slog.String("method", r.Method),
		slog.String("path", printable(r.URL.Path)),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.Int64("bytes", w.bytes),
	)
	if info.origin != "" {
		attrs = append(attrs, slog.String("origin", printable(info.origin)))
	}
	if info.model != "" {
		attrs = append(attrs, slog.String("model", printable(info.model)), slog.Bool("stream", info.stream))
	}
	if u := info.usage; u != nil {
		attrs = append(attrs, slog.Int("prompt_tokens", u.Prompt), slog.Int("completion_tokens", u.Completion), slog.Int("total_tokens", u.Total))
	}
	if info.note != "" {
		attrs = append(attrs, slog.String("note", info.note))
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
}

// redactHandler removes the key from every message and attribute before
// the wrapped handler sees them: a second guard behind the rule that no
// log call is given a key.
type redactHandler struct {
	h   slog.Handler
	key string
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.scrub(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &redactHandler{h: h.h.WithAttrs(clean), key: h.key}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: h.h.WithGroup(name), key: h.key}
}

func (h *redactHandler) scrub(s string) string {
	if h.key == "" || !strings.Contains(s, h.key) {
		return s
	}
	return strings.ReplaceAll(s, h.key, "[redacted]")
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(h.scrub(a.Key), h.scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(h.scrub(a.Key), clean...)
	case slog.KindAny:
		text := fmt.Sprint(v.Any())
		if err, ok := v.Any().(error); ok {
			text = err.Error()
		}
		if strings.Contains(text, h.key) {
			return slog.String(h.scrub(a.Key), h.scrub(text))
		}
	}
	return slog.Attr{Key: h.scrub(a.Key), Value: v}
}
