package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// The parts of a ChatGPT export conversation the importer reads. Fields
// whose shape varies between content types stay raw and are decoded only
// where they are used, so an unexpected shape in noise cannot reject a
// whole conversation; a wrong type in the structure itself does, with a
// reason.
type gptConversation struct {
	Title            *string            `json:"title"`
	CreateTime       *float64           `json:"create_time"`
	UpdateTime       *float64           `json:"update_time"`
	Mapping          map[string]gptNode `json:"mapping"`
	CurrentNode      *string            `json:"current_node"`
	DefaultModelSlug json.RawMessage    `json:"default_model_slug"`
}

type gptNode struct {
	Message *gptMessage `json:"message"`
	Parent  *string     `json:"parent"`
}

type gptMessage struct {
	Author struct {
		Role string `json:"role"`
	} `json:"author"`
	CreateTime *float64        `json:"create_time"`
	Content    gptContent      `json:"content"`
	Status     json.RawMessage `json:"status"`
	Recipient  json.RawMessage `json:"recipient"`
	Metadata   gptMetadata     `json:"metadata"`
}

type gptContent struct {
	ContentType string            `json:"content_type"`
	Parts       []json.RawMessage `json:"parts"`
	Text        json.RawMessage   `json:"text"`
	Language    json.RawMessage   `json:"language"`
	Thoughts    []struct {
		Summary json.RawMessage `json:"summary"`
		Content json.RawMessage `json:"content"`
	} `json:"thoughts"`
}

type gptMetadata struct {
	ModelSlug json.RawMessage `json:"model_slug"`
	Hidden    json.RawMessage `json:"is_visually_hidden_from_conversation"`
}

// rawString returns the JSON string in raw, or "" if raw is not a string.
// raw comes from an already validated document, so it is unquoted here
// directly (json.Unmarshal would validate it a second time; that was a
// fifth of the import time).
func rawString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return ""
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body)
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			r, size := utf8.DecodeRune(body[i:])
			b.WriteRune(r) // invalid bytes become U+FFFD, as encoding/json does
			i += size
			continue
		}
		if i+1 >= len(body) {
			return ""
		}
		switch e := body[i+1]; e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(body[i+2:])
			if !ok {
				return ""
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(body) && body[i] == '\\' && body[i+1] == 'u' {
					r2, _ := hex4(body[i+2 : i+6])
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b.WriteRune(dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default:
			return ""
		}
		i += 2
	}
	return b.String()
}

// hex4 decodes four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// transcript returns the text of a voice-mode part
// ({"content_type": "audio_transcription", "text": …}), or "".
func transcript(p json.RawMessage) string {
	if len(p) == 0 || p[0] != '{' {
		return ""
	}
	var part struct {
		ContentType string          `json:"content_type"`
		Text        json.RawMessage `json:"text"`
	}
	if json.Unmarshal(p, &part) != nil || part.ContentType != "audio_transcription" {
		return ""
	}
	return rawString(part.Text)
}

// isChatGPTFile reports whether a zip entry name is a conversations file of
// ChatGPT's export: conversations.json, or a numbered part of it
// (conversations-000.json).
func isChatGPTFile(name string) bool {
	base := path.Base(name)
	if base == "conversations.json" {
		return true
	}
	num, ok := strings.CutPrefix(base, "conversations-")
	if !ok {
		return false
	}
	num, ok = strings.CutSuffix(num, ".json")
	if !ok || num == "" {
		return false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// gptTime converts ChatGPT's seconds-since-epoch to a time, refusing values
// JSON time cannot hold.
func gptTime(f *float64) (time.Time, bool) {
	if f == nil || math.IsNaN(*f) || *f <= 0 || *f > 253402300799 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(*f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC().Round(time.Millisecond), true
}

// gptCounts counts what an import of one ChatGPT conversation left out.
type gptCounts struct {
	system, tool, hidden, images, other, unknownRole int
	unknownRoles                                     map[string]bool
}

func (n gptCounts) notes() []string {
	var out []string
	add := func(k int, what string) {
		if k > 0 {
			out = append(out, fmt.Sprintf("%d %s left out", k, what))
		}
	}
	add(n.system, plural(n.system, "system message", "system messages"))
	add(n.tool, plural(n.tool, "tool message or tool call", "tool messages and tool calls"))
	add(n.hidden, plural(n.hidden, "hidden message", "hidden messages"))
	add(n.images, plural(n.images, "image or file (not in conversations.json)", "images or files (not in conversations.json)"))
	add(n.other, plural(n.other, "message of another kind (e.g. memory, custom instructions)", "messages of other kinds (e.g. memory, custom instructions)"))
	if n.unknownRole > 0 {
		roles := make([]string, 0, len(n.unknownRoles))
		for r := range n.unknownRoles {
			roles = append(roles, fmt.Sprintf("%q", r))
		}
		sort.Strings(roles)
		out = append(out, fmt.Sprintf("%d %s with unknown roles (%s) left out", n.unknownRole, plural(n.unknownRole, "message", "messages"), strings.Join(roles, ", ")))
	}
	return out
}

// fromChatGPT converts one conversation of ChatGPT's export: the current
// branch of its message tree (from current_node up to the root), with
// timestamps and model names; system, tool and hidden messages are left
// out, consecutive messages of one author are joined, "thoughts" become the
// reasoning of the reply that follows.
func (im *importer) fromChatGPT(val []byte) (*conversation.Conversation, []string, string, error) {
	var g gptConversation
	if err := json.Unmarshal(val, &g); err != nil {
		return nil, nil, "", errors.New(jsonProblem(err))
	}
	title := ""
	if g.Title != nil {
		title = *g.Title
	}
	if len(g.Mapping) == 0 {
		return nil, nil, title, errors.New("it has no messages")
	}
	path, err := gptPath(&g)
	if err != nil {
		return nil, nil, title, err
	}
	now := im.now().UTC()
	c := conversation.New(now)
	if t, ok := gptTime(g.CreateTime); ok {
		c.CreatedAt = t
	}
	var counts gptCounts
	// Builders, not +=: a hostile export can hold thousands of thoughts or
	// same-author messages in a row, and repeated concatenation is quadratic.
	var pendingReasoning, lastText strings.Builder
	flushLast := func() {
		if n := len(c.Messages); n > 0 {
			c.Messages[n-1].Content.Text = lastText.String()
		}
	}
	last := c.CreatedAt
	lastModel := ""
	for _, m := range path {
		meta := m.Metadata
		if string(meta.Hidden) == "true" {
			counts.hidden++
			continue
		}
		role := m.Author.Role
		switch role {
		case "system":
			counts.system++
			continue
		case "tool":
			counts.tool++
			continue
		case "user", "assistant":
		default:
			counts.unknownRole++
			if counts.unknownRoles == nil {
				counts.unknownRoles = make(map[string]bool)
			}
			counts.unknownRoles[displayName(cutBytes(role, 30))] = true
			continue
		}
		if r := rawString(m.Recipient); r != "" && r != "all" {
			counts.tool++ // a call to a tool (browser, python, dalle…)
			continue
		}
		ct := m.Content
		text := ""
		switch ct.ContentType {
		case "text", "multimodal_text", "":
			var texts []string
			for _, p := range ct.Parts {
				if s := rawString(p); s != "" {
					texts = append(texts, s)
				} else if s := transcript(p); s != "" {
					texts = append(texts, s)
				} else if len(p) > 0 && p[0] == '{' {
					counts.images++
				}
			}
			text = strings.Join(texts, "\n\n")
		case "code":
			code := rawString(ct.Text)
			if code != "" {
				text = "```" + oneLine(rawString(ct.Language)) + "\n" + strings.TrimRight(code, "\n") + "\n```"
			}
		case "thoughts":
			for _, th := range ct.Thoughts {
				if s := rawString(th.Summary); s != "" {
					pendingReasoning.WriteString("**" + s + "**\n\n")
				}
				if s := rawString(th.Content); s != "" {
					pendingReasoning.WriteString(s + "\n\n")
				}
			}
			continue
		case "reasoning_recap":
			continue
		case "user_editable_context", "model_editable_context":
			counts.other++
			continue
		default:
			counts.other++
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		at, ok := gptTime(m.CreateTime)
		if !ok {
			at = last
		}
		last = at
		model := ""
		if role == "assistant" {
			model = oneLine(cutBytes(rawString(meta.ModelSlug), 200))
			if model != "" {
				lastModel = model
			}
		}
		status := conversation.StatusComplete
		if rawString(m.Status) == "in_progress" {
			status = conversation.StatusInterrupted
		}
		if n := len(c.Messages); n > 0 && c.Messages[n-1].Role == conversation.Role(role) {
			// Joined: a reply split by tool use, or a resent prompt.
			prev := &c.Messages[n-1]
			lastText.WriteString("\n\n")
			lastText.WriteString(text)
			if role == "assistant" && pendingReasoning.Len() > 0 {
				prev.Reasoning = strings.TrimSpace(prev.Reasoning + "\n\n" + pendingReasoning.String())
				pendingReasoning.Reset()
			}
			continue
		}
		msg := conversation.Message{
			ID: conversation.NewID(), Role: conversation.Role(role), Content: conversation.TextContent(text),
			Status: status, Model: model, CreatedAt: at,
		}
		if n := len(c.Messages); n > 0 {
			msg.ParentID = c.Messages[n-1].ID
		}
		if role == "assistant" {
			msg.Reasoning = strings.TrimSpace(pendingReasoning.String())
			pendingReasoning.Reset()
		}
		flushLast()
		lastText.Reset()
		lastText.WriteString(text)
		c.Messages = append(c.Messages, msg)
	}
	flushLast()
	if len(c.Messages) == 0 {
		return nil, nil, title, errors.New("its current branch has no user or assistant messages")
	}
	c.CurrentID = c.Messages[len(c.Messages)-1].ID
	if _, ok := gptTime(g.CreateTime); !ok {
		c.CreatedAt = c.Messages[0].CreatedAt
	}
	c.UpdatedAt = last
	if t, ok := gptTime(g.UpdateTime); ok {
		c.UpdatedAt = t
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		c.UpdatedAt = c.CreatedAt
	}
	c.Model = oneLine(cutBytes(rawString(g.DefaultModelSlug), 200))
	if c.Model == "" {
		c.Model = lastModel
	}
	c.Title = oneLine(cutBytes(title, 300))
	if c.Title == "" {
		c.Title = titleFrom(c.Messages)
	}
	notes := counts.notes()
	if !utf8.Valid(val) {
		notes = append([]string{noteInvalidUTF8}, notes...)
	}
	return c, notes, title, nil
}

// gptPath returns the messages from the root to current_node (or, when it
// is missing, to the most recent leaf), oldest first.
func gptPath(g *gptConversation) ([]*gptMessage, error) {
	leaf := ""
	if g.CurrentNode != nil {
		leaf = *g.CurrentNode
	}
	if _, ok := g.Mapping[leaf]; !ok {
		leaf = latestLeaf(g.Mapping)
	}
	var rev []*gptMessage
	seen := make(map[string]bool)
	for id := leaf; id != ""; {
		if seen[id] {
			return nil, errors.New("its message tree has a cycle")
		}
		seen[id] = true
		if len(seen) > conversation.MaxMessages {
			return nil, fmt.Errorf("its current branch has more than %d messages", conversation.MaxMessages)
		}
		n, ok := g.Mapping[id]
		if !ok {
			break
		}
		if n.Message != nil {
			rev = append(rev, n.Message)
		}
		if n.Parent == nil {
			break
		}
		id = *n.Parent
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev, nil
}

// latestLeaf picks the leaf whose message is newest (ties: the smallest
// id, so the choice does not depend on map order).
func latestLeaf(mapping map[string]gptNode) string {
	parents := make(map[string]bool, len(mapping))
	for _, n := range mapping {
		if n.Parent != nil {
			parents[*n.Parent] = true
		}
	}
	best, bestT := "", -1.0
	for id, n := range mapping {
		if parents[id] {
			continue
		}
		t := 0.0
		if n.Message != nil && n.Message.CreateTime != nil && !math.IsNaN(*n.Message.CreateTime) {
			t = *n.Message.CreateTime
		}
		if t > bestT || (t == bestT && id < best) {
			best, bestT = id, t
		}
	}
	return best
}
