package transfer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"murmur/backend/conversation"
)

// Options control one export.
type Options struct {
	// AllBranches makes the readable formats (Markdown, HTML, text) show
	// every branch of the message tree (regenerated replies, edited
	// prompts) instead of only the current one; the current branch comes
	// first. FormatJSON is a backup and always keeps every branch;
	// FormatOpenAI always holds the current branch only.
	AllBranches bool
	// Now stamps the export; nil means time.Now.
	Now func() time.Time
	// Attachments, if not nil, reads the files messages refer to: the
	// JSON export embeds them (ExportZip writes them beside the
	// conversations as attachments/<id>), the HTML export shows images
	// inline, the OpenAI export sends images as data: URLs. Without it
	// attachments are named, not carried.
	Attachments AttachmentSource
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// Export writes conversation c to w in format f. Only conversation content
// is written: the provider id and fields unknown to this version are left
// out, and nothing from settings is ever read.
func Export(ctx context.Context, w io.Writer, c *conversation.Conversation, f Format, opts Options) error {
	if c == nil {
		return errors.New("export: no conversation")
	}
	if !f.valid() {
		return fmt.Errorf("export conversation %s: unknown format %q", c.ID, f)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("export conversation %s: %w", c.ID, err)
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	d := newDoc(c, f, opts)
	d.ctx = ctx
	err := writeDoc(bw, d, f, nil)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("export conversation %s as %s: %w", c.ID, f, err)
	}
	return nil
}

// writeDoc writes d in format f; hr is reused for HTML when not nil.
func writeDoc(w io.Writer, d *doc, f Format, hr *htmlRenderer) error {
	switch f {
	case FormatMarkdown:
		return writeMarkdown(w, d)
	case FormatText:
		return writeText(w, d)
	case FormatJSON:
		return writeJSON(w, d)
	case FormatOpenAI:
		return writeOpenAI(w, d)
	case FormatHTML:
		if hr == nil {
			hr = newHTMLRenderer()
		}
		return hr.write(w, d)
	}
	return fmt.Errorf("unknown format %q", f)
}

// doc is a conversation prepared for export: a copy without the fields an
// export must not carry, and its messages grouped into branches.
type doc struct {
	c        conversation.Conversation
	exported time.Time
	branches []branch
	current  []conversation.Message

	ctx context.Context
	att AttachmentSource
	// inZip is set in ExportZip: attachments are files beside the document
	// (attachments/<id>), not embedded in it.
	inZip bool
}

// attachment reads the bytes of attachment a, or says why not.
func (d *doc) attachment(a conversation.Attachment) ([]byte, error) {
	if d.att == nil {
		return nil, errors.New("no attachment source")
	}
	if !conversation.ValidAttachmentID(a.ID) {
		return nil, fmt.Errorf("%q is not an attachment id", cutBytes(a.ID, 80))
	}
	ctx := d.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	data, err := d.att.Attachment(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("read attachment %q: %w", displayName(a.Name), err)
	}
	if conversation.AttachmentID(data) != a.ID {
		return nil, fmt.Errorf("read attachment %q: its bytes do not match its id", displayName(a.Name))
	}
	return data, nil
}

// attachments lists the attachments the exported messages refer to, each
// once, in order.
func (d *doc) attachments() []conversation.Attachment {
	var out []conversation.Attachment
	seen := make(map[string]bool)
	for i := range d.c.Messages {
		for _, a := range d.c.Messages[i].Content.Attachments() {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// branch is one root-to-leaf path, minus the messages an earlier branch
// already showed.
type branch struct {
	// forkAfter is the last message shared with an earlier branch (nil when
	// the branch starts at a new root or is the first branch).
	forkAfter *conversation.Message
	messages  []conversation.Message
}

// keepsAllBranches reports whether an export in format f holds every
// branch: always for the Murmur JSON backup, on request for the readable
// formats, never for an OpenAI messages array.
func keepsAllBranches(f Format, opts Options) bool {
	switch f {
	case FormatJSON:
		return true
	case FormatOpenAI:
		return false
	}
	return opts.AllBranches
}

func newDoc(src *conversation.Conversation, f Format, opts Options) *doc {
	c := *src
	c.ProviderID = ""
	c.Extra = nil
	c.Messages = make([]conversation.Message, len(src.Messages))
	for i, m := range src.Messages {
		m.Extra = nil
		c.Messages[i] = m
	}
	d := &doc{c: c, exported: opts.now(), att: opts.Attachments}
	d.current = currentPath(&c)
	d.branches = []branch{{messages: d.current}}
	if keepsAllBranches(f, opts) {
		d.branches = allBranches(&d.c, d.current)
	} else {
		d.c.Messages = d.current
		d.c.CurrentID = ""
		if n := len(d.current); n > 0 {
			d.c.CurrentID = d.current[n-1].ID
		}
	}
	return d
}

// currentPath returns the messages from the root to the current leaf, as
// conversation.Path does, in linear time (Path looks each parent up by a
// scan, which is quadratic for very long conversations).
func currentPath(c *conversation.Conversation) []conversation.Message {
	byID := make(map[string]int, len(c.Messages))
	lastChild := make(map[string]string, len(c.Messages))
	for i, m := range c.Messages {
		byID[m.ID] = i
		lastChild[m.ParentID] = m.ID
	}
	leaf := c.CurrentID
	if _, ok := byID[leaf]; !ok {
		leaf = ""
		seen := make(map[string]bool)
		for id := ""; !seen[id]; {
			seen[id] = true
			next, ok := lastChild[id]
			if !ok {
				break
			}
			leaf, id = next, next
		}
	}
	var rev []conversation.Message
	seen := make(map[string]bool)
	for id := leaf; id != "" && !seen[id]; {
		seen[id] = true
		i, ok := byID[id]
		if !ok {
			break
		}
		rev = append(rev, c.Messages[i])
		id = c.Messages[i].ParentID
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// allBranches returns the current path, then every other leaf's path in the
// order the leaves were added, each without the messages shown before.
func allBranches(c *conversation.Conversation, current []conversation.Message) []branch {
	byID := make(map[string]int, len(c.Messages))
	hasChild := make(map[string]bool, len(c.Messages))
	for i, m := range c.Messages {
		byID[m.ID] = i
		if m.ParentID != "" {
			hasChild[m.ParentID] = true
		}
	}
	shown := make(map[string]bool, len(c.Messages))
	for _, m := range current {
		shown[m.ID] = true
	}
	out := []branch{{messages: current}}
	for _, leaf := range c.Messages {
		if hasChild[leaf.ID] || shown[leaf.ID] {
			continue
		}
		var rev []conversation.Message
		seen := make(map[string]bool)
		for id := leaf.ID; id != "" && !seen[id]; {
			seen[id] = true
			i, ok := byID[id]
			if !ok {
				break
			}
			rev = append(rev, c.Messages[i])
			id = c.Messages[i].ParentID
		}
		var b branch
		for i := len(rev) - 1; i >= 0; i-- {
			if shown[rev[i].ID] {
				m := rev[i]
				b.forkAfter = &m
				continue
			}
			shown[rev[i].ID] = true
			b.messages = append(b.messages, rev[i])
		}
		out = append(out, b)
	}
	return out
}

func (d *doc) title() string {
	t := oneLine(d.c.Title)
	if t == "" {
		return "Untitled conversation"
	}
	return t
}

// oneLine replaces line breaks and other control characters with spaces and
// trims the result.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s))
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func roleLabel(r conversation.Role) string {
	switch r {
	case conversation.RoleUser:
		return "User"
	case conversation.RoleAssistant:
		return "Assistant"
	case conversation.RoleSystem:
		return "System"
	}
	return "Unknown"
}

// statusNote is a sentence about a message that did not complete, or "".
func statusNote(m *conversation.Message) string {
	switch m.Status {
	case conversation.StatusStopped:
		return "Stopped before the reply was complete."
	case conversation.StatusInterrupted:
		return "Interrupted before the reply was complete."
	case conversation.StatusStreaming:
		return "The reply was still being written when this was exported."
	case conversation.StatusError:
		if m.Error != nil && m.Error.Message != "" {
			return "The reply failed: " + oneLine(m.Error.Message)
		}
		return "The reply failed."
	}
	return ""
}

// excerpt returns the start of a message's text on one line, for "continues
// after …" labels.
func excerpt(m *conversation.Message) string {
	s := oneLine(strings.Join(strings.Fields(m.Content.PlainText()), " "))
	if len(s) > 60 {
		s = cutBytes(s, 60) + "…"
	}
	return s
}

// meta is the header lines every document format shows.
func (d *doc) meta() [][2]string {
	var out [][2]string
	if d.c.Model != "" {
		out = append(out, [2]string{"Model", oneLine(d.c.Model)})
	}
	if s := formatTime(d.c.CreatedAt); s != "" {
		out = append(out, [2]string{"Created", s})
	}
	if s := formatTime(d.c.UpdatedAt); s != "" {
		out = append(out, [2]string{"Updated", s})
	}
	out = append(out, [2]string{"Exported", formatTime(d.exported)})
	return out
}

// messageHeading is "Assistant (model), time" style text.
func messageHeading(m *conversation.Message) (label, when string) {
	label = roleLabel(m.Role)
	if m.Role == conversation.RoleAssistant && m.Model != "" {
		label += " (" + oneLine(m.Model) + ")"
	}
	return label, formatTime(m.CreatedAt)
}

// errWriter remembers the first write error so writers can be straight-line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) str(ss ...string) {
	for _, s := range ss {
		if e.err != nil {
			return
		}
		_, e.err = io.WriteString(e.w, s)
	}
}
