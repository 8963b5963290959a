package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// The parts of a conversation in Claude's data export (conversations.json)
// the importer reads. As for ChatGPT, fields whose shape varies stay raw.
type claudeConversation struct {
	UUID        json.RawMessage `json:"uuid"`
	Name        *string         `json:"name"`
	CreatedAt   json.RawMessage `json:"created_at"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	CurrentLeaf json.RawMessage `json:"current_leaf_message_uuid"`
	Messages    []claudeMessage `json:"chat_messages"`
}

type claudeMessage struct {
	UUID        json.RawMessage    `json:"uuid"`
	Sender      string             `json:"sender"`
	Text        json.RawMessage    `json:"text"`
	Content     []json.RawMessage  `json:"content"`
	CreatedAt   json.RawMessage    `json:"created_at"`
	Parent      json.RawMessage    `json:"parent_message_uuid"`
	Attachments []claudeAttachment `json:"attachments"`
	Files       []claudeFile       `json:"files"`
	FilesV2     []claudeFile       `json:"files_v2"`
}

// claudeAttachment is a file the user attached whose text Claude
// extracted; the export carries that text.
type claudeAttachment struct {
	FileName         json.RawMessage `json:"file_name"`
	FileType         json.RawMessage `json:"file_type"`
	ExtractedContent json.RawMessage `json:"extracted_content"`
}

// claudeFile is an uploaded file (mostly images) the export names but does
// not carry.
type claudeFile struct {
	FileUUID json.RawMessage `json:"file_uuid"`
	FileName json.RawMessage `json:"file_name"`
	FileKind json.RawMessage `json:"file_kind"`
}

// claudeBlock is one block of a message's content.
type claudeBlock struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"`
	Thinking json.RawMessage `json:"thinking"`
	Name     json.RawMessage `json:"name"`
	Input    json.RawMessage `json:"input"`
	Content  json.RawMessage `json:"content"`
}

// claudeRoot is the parent Claude gives the first message.
const claudeRoot = "00000000-0000-4000-8000-000000000000"

// claudeTime reads Claude's RFC 3339 times.
func claudeTime(raw json.RawMessage) (time.Time, bool) {
	s := rawString(raw)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t.UTC().Round(time.Millisecond), true
}

// claudeCounts counts what an import of one Claude conversation left out or
// changed.
type claudeCounts struct {
	tools, unknownBlocks, unknownSender, empty int
	images, inlined, canvasFailed, orphans     int
	looped                                     int
}

func (n *claudeCounts) notes() []string {
	var out []string
	add := func(k int, s string) {
		if k > 0 {
			out = append(out, s)
		}
	}
	add(n.unknownBlocks, fmt.Sprintf("%d %s of unknown kinds left out", n.unknownBlocks, plural(n.unknownBlocks, "content block", "content blocks")))
	add(n.unknownSender, fmt.Sprintf("%d %s from unknown senders left out", n.unknownSender, plural(n.unknownSender, "message", "messages")))
	add(n.images, fmt.Sprintf("%d %s not included in the export; a placeholder keeps each place", n.images, plural(n.images, "image or file is", "images or files are")))
	add(n.inlined, fmt.Sprintf("the text of %d attached %s kept in the message (no place to store attachments)", n.inlined, plural(n.inlined, "file", "files")))
	add(n.canvasFailed, fmt.Sprintf("%d artifact %s could not be applied; the artifact shows the version before", n.canvasFailed, plural(n.canvasFailed, "edit", "edits")))
	add(n.orphans, fmt.Sprintf("%d %s whose earlier messages are missing from the export imported as a separate start", n.orphans, plural(n.orphans, "branch", "branches")))
	add(n.looped, fmt.Sprintf("%d %s in a loop of the message tree left out", n.looped, plural(n.looped, "message", "messages")))
	add(n.empty, fmt.Sprintf("%d empty %s left out", n.empty, plural(n.empty, "message", "messages")))
	return out
}

// fromClaude converts one conversation of Claude's export: every message
// of its tree (edited prompts and retried replies become alternatives,
// current_leaf_message_uuid stays current), with thinking as reasoning,
// artifacts and analysis code as fenced blocks, attached files' text as
// attachments.
func (im *importer) fromClaude(val []byte) (built, error) {
	var cc claudeConversation
	if err := json.Unmarshal(val, &cc); err != nil {
		return built{}, errors.New(jsonProblem(err))
	}
	title := ""
	if cc.Name != nil {
		title = *cc.Name
	}
	b := built{title: title}
	if len(cc.Messages) == 0 {
		return b, errors.New("it has no messages")
	}
	if len(cc.Messages) > conversation.MaxMessages {
		return b, fmt.Errorf("it has more than the %d messages a conversation may hold", conversation.MaxMessages)
	}
	id := oneLine(cutBytes(rawString(cc.UUID), conversation.MaxIDBytes))
	if id == "" {
		id = fingerprint(val) // a hand-made file: the same bytes are the same conversation
	}
	src := &conversation.Source{Service: conversation.SourceClaude, ID: id}
	if t, ok := claudeTime(cc.UpdatedAt); ok {
		src.UpdatedAt = t
	}
	replaces, err := im.checkKnown(src)
	if err != nil {
		return b, err
	}
	now := im.now().UTC()
	c := conversation.New(now)
	created, hasCreated := claudeTime(cc.CreatedAt)
	if hasCreated {
		c.CreatedAt = created
	}
	ct := &claudeTree{im: im, cc: &cc}
	if hasCreated {
		ct.last = created
	}
	if err := ct.convert(c); err != nil {
		return b, err
	}
	if len(c.Messages) == 0 {
		return b, errors.New("it has no user or assistant messages")
	}
	if !hasCreated {
		c.CreatedAt = c.Messages[0].CreatedAt
	}
	c.UpdatedAt = c.CreatedAt
	if ct.last.After(c.UpdatedAt) {
		c.UpdatedAt = ct.last
	}
	if t, ok := claudeTime(cc.UpdatedAt); ok {
		c.UpdatedAt = t
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		c.UpdatedAt = c.CreatedAt
	}
	c.Source = src
	c.Title = oneLine(cutBytes(title, 300))
	if c.Title == "" {
		c.Title = titleFrom(currentPath(c))
	}
	if replaces != "" {
		c.ID = replaces
	}
	b.c, b.replaces = c, replaces != ""
	b.notes = ct.counts.notes()
	im.unshownTools += ct.counts.tools
	if !utf8.Valid(val) {
		b.notes = append([]string{noteInvalidUTF8}, b.notes...)
	}
	return b, nil
}

// claudeTree is one Claude conversation being converted.
type claudeTree struct {
	im     *importer
	cc     *claudeConversation
	counts claudeCounts
	last   time.Time
	work   int // bytes artifact edits went through (bounded like canvas edits)
}

// artifacts maps an artifact id to its document as it stands on one
// branch; a map is never changed once shared (an edit copies it).
type artifacts map[string]*canvasDoc

type claudeFrame struct {
	i      int // index in cc.Messages
	parent int // index in c.Messages, or -1
	arts   artifacts
}

func (ct *claudeTree) convert(c *conversation.Conversation) error {
	msgs := ct.cc.Messages
	ids := make([]string, len(msgs))
	byID := make(map[string]int, len(msgs))
	hasParents := false
	for i := range msgs {
		ids[i] = rawString(msgs[i].UUID)
		if ids[i] != "" {
			if _, dup := byID[ids[i]]; !dup {
				byID[ids[i]] = i
			}
		}
		if len(msgs[i].Parent) > 0 && string(msgs[i].Parent) != "null" {
			hasParents = true
		}
	}
	kids := make(map[int][]int, len(msgs))
	var roots []int
	for i := range msgs {
		if !hasParents {
			// An export without parents is one line, in order.
			if i == 0 {
				roots = append(roots, 0)
			} else {
				kids[i-1] = append(kids[i-1], i)
			}
			continue
		}
		p := rawString(msgs[i].Parent)
		switch pi, ok := byID[p]; {
		case p == "" || p == claudeRoot:
			roots = append(roots, i)
		case !ok:
			ct.counts.orphans++
			roots = append(roots, i)
		case pi == i:
			// its own parent: never reached
		default:
			kids[pi] = append(kids[pi], i)
		}
	}
	timeOf := func(i int) time.Time { t, _ := claudeTime(msgs[i].CreatedAt); return t }
	order := func(xs []int) {
		sort.SliceStable(xs, func(a, b int) bool { return timeOf(xs[a]).Before(timeOf(xs[b])) })
	}
	order(roots)
	for _, xs := range kids {
		order(xs)
	}
	// The current leaf: the export's, else the newest leaf.
	leaf := -1
	if i, ok := byID[rawString(ct.cc.CurrentLeaf)]; ok && rawString(ct.cc.CurrentLeaf) != "" {
		leaf = i
	} else {
		for i := range msgs {
			if len(kids[i]) == 0 && (leaf < 0 || !timeOf(i).Before(timeOf(leaf))) {
				leaf = i
			}
		}
	}
	onPath := make(map[int]int)
	var up []int
	for i, n := leaf, 0; i >= 0 && n <= len(msgs); n++ {
		if _, seen := onPath[i]; seen {
			return errors.New("its message tree has a cycle")
		}
		onPath[i] = 0
		up = append(up, i)
		p := -1
		if hasParents {
			if pi, ok := byID[rawString(msgs[i].Parent)]; ok && pi != i {
				p = pi
			}
		} else if i > 0 {
			p = i - 1
		}
		i = p
	}
	for d, i := range up {
		onPath[i] = len(up) - 1 - d
	}

	current, curPos := -1, -1
	stack := make([]claudeFrame, 0, len(roots))
	for k := len(roots) - 1; k >= 0; k-- {
		stack = append(stack, claudeFrame{i: roots[k], parent: -1})
	}
	visited := 0
	for len(stack) > 0 {
		if err := ct.im.ctx.Err(); err != nil {
			return err
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visited++
		parent, arts := f.parent, f.arts
		msg, arts2, err := ct.message(&msgs[f.i], arts)
		if err != nil {
			return err
		}
		arts = arts2
		if msg != nil {
			msg.ID = conversation.NewID()
			if parent >= 0 {
				msg.ParentID = c.Messages[parent].ID
			}
			c.Messages = append(c.Messages, *msg)
			parent = len(c.Messages) - 1
			if d, ok := onPath[f.i]; ok && d > curPos {
				current, curPos = parent, d
			}
			if msg.CreatedAt.After(ct.last) {
				ct.last = msg.CreatedAt
			}
		}
		ks := kids[f.i]
		for k := len(ks) - 1; k >= 0; k-- {
			stack = append(stack, claudeFrame{i: ks[k], parent: parent, arts: arts})
		}
	}
	ct.counts.looped = len(msgs) - visited
	if current >= 0 {
		c.CurrentID = c.Messages[current].ID
	}
	return nil
}

// message converts one Claude message (nil when it shows nothing) and
// returns the artifacts as they stand after it.
func (ct *claudeTree) message(m *claudeMessage, arts artifacts) (*conversation.Message, artifacts, error) {
	var role conversation.Role
	switch m.Sender {
	case "human", "user":
		role = conversation.RoleUser
	case "assistant":
		role = conversation.RoleAssistant
	default:
		ct.counts.unknownSender++
		return nil, arts, nil
	}
	var b partsBuilder
	var reasoning []string
	if role == conversation.RoleUser {
		if err := ct.files(&b, m); err != nil {
			return nil, arts, err
		}
	}
	texts := 0
	lastTool := ""
	for _, raw := range m.Content {
		var blk claudeBlock
		if json.Unmarshal(raw, &blk) != nil {
			ct.counts.unknownBlocks++
			continue
		}
		switch blk.Type {
		case "text":
			if s := rawString(blk.Text); s != "" {
				b.text(s)
				texts++
			}
		case "thinking":
			if s := rawString(blk.Thinking); strings.TrimSpace(s) != "" {
				reasoning = append(reasoning, s)
			}
		case "tool_use":
			lastTool = rawString(blk.Name)
			switch lastTool {
			case "artifacts":
				var text string
				var ok bool
				arts, text, ok = ct.artifact(arts, blk.Input)
				if !ok {
					ct.counts.canvasFailed++
				}
				b.text(text)
			case "repl":
				var in struct {
					Code json.RawMessage `json:"code"`
				}
				if json.Unmarshal(blk.Input, &in) == nil && strings.TrimSpace(rawString(in.Code)) != "" {
					b.text(fence(rawString(in.Code), "javascript"))
				} else {
					ct.counts.tools++
				}
			default:
				ct.counts.tools++
			}
		case "tool_result":
			name := rawString(blk.Name)
			if name == "" {
				name = lastTool
			}
			if name == "repl" {
				if out := replOutput(toolResultText(blk.Content)); strings.TrimSpace(out) != "" {
					b.text("Output:\n\n" + fence(out, ""))
				}
			} else if name != "artifacts" {
				ct.counts.tools++
			}
		default:
			ct.counts.unknownBlocks++
		}
	}
	if texts == 0 && len(m.Content) == 0 {
		// Older exports have only the text field.
		b.text(rawString(m.Text))
	}
	content := b.content()
	reason := strings.TrimSpace(strings.Join(reasoning, "\n\n"))
	if content.IsZero() && reason == "" {
		ct.counts.empty++
		return nil, arts, nil
	}
	at, ok := claudeTime(m.CreatedAt)
	if !ok {
		at = ct.last
		if at.IsZero() {
			at = ct.im.now().UTC()
		}
	}
	return &conversation.Message{Role: role, Content: content, Reasoning: reason, Status: conversation.StatusComplete, CreatedAt: at}, arts, nil
}

// replOutput is what the analysis tool printed: the logs of its JSON
// result ({"status":"success","logs":["2.5"]}), or the result as it is.
func replOutput(s string) string {
	var r struct {
		Logs  []string        `json:"logs"`
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal([]byte(s), &r) != nil || (r.Logs == nil && r.Error == nil) {
		return s
	}
	out := strings.Join(r.Logs, "\n")
	if e := rawString(r.Error); e != "" {
		out = strings.TrimSpace(out + "\n" + e)
	}
	return out
}

// toolResultText joins the text blocks of a tool result.
func toolResultText(raw json.RawMessage) string {
	if s := rawString(raw); s != "" {
		return s
	}
	var blocks []claudeBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return ""
	}
	var out []string
	for _, b := range blocks {
		if b.Type == "text" {
			out = append(out, rawString(b.Text))
		}
	}
	return strings.Join(out, "\n")
}

// files adds a prompt's attached files: their extracted text as an
// attachment (or, with no store, in the message), and uploads the export
// does not carry as placeholders.
func (ct *claudeTree) files(b *partsBuilder, m *claudeMessage) error {
	for _, a := range m.Attachments {
		text := rawString(a.ExtractedContent)
		name := oneLine(rawString(a.FileName))
		if name == "" {
			name = "pasted text"
		}
		if strings.TrimSpace(text) == "" {
			ct.counts.images++
			b.text(placeholder("file", name, false))
			continue
		}
		if ct.im.store == nil || int64(len(text)) > ct.im.lim.MaxAttachmentBytes {
			ct.counts.inlined++
			b.text("**" + mdEscape(name) + "**\n\n" + fence(text, ""))
			continue
		}
		att, err := ct.im.putAttachment(textFileName(name), "text/plain", []byte(text))
		if err != nil {
			return err
		}
		b.attachment(att)
	}
	// files_v2 repeats files in newer exports: one placeholder each.
	seen := make(map[string]bool)
	for _, list := range [][]claudeFile{m.Files, m.FilesV2} {
		for _, f := range list {
			id, name := rawString(f.FileUUID), rawString(f.FileName)
			if (id != "" && seen["id:"+id]) || (name != "" && seen["name:"+name]) {
				continue
			}
			seen["id:"+id], seen["name:"+name] = true, true
			kind := "file"
			if k := rawString(f.FileKind); k == "image" || k == "" {
				kind = "image"
			}
			ct.counts.images++
			b.text(placeholder(kind, rawString(f.FileName), false))
		}
	}
	return nil
}

// textFileName names the extracted text of an attached file: the file's
// own name when it is a text file, else the name with .txt added
// ("report.pdf.txt"), so that it is not taken for the original.
func textFileName(name string) string {
	if name == "pasted text" {
		return "pasted-text.txt"
	}
	m := mediaTypes[strings.ToLower(path.Ext(name))]
	if strings.HasPrefix(m, "text/") || m == "application/json" || m == "application/xml" {
		return name
	}
	return name + ".txt"
}

// artifact applies one call of Claude's artifacts tool (create, update,
// rewrite) and returns the artifacts after it, the text the reply shows,
// and false when it could not be applied.
func (ct *claudeTree) artifact(arts artifacts, raw json.RawMessage) (artifacts, string, bool) {
	var in struct {
		ID       json.RawMessage `json:"id"`
		Type     json.RawMessage `json:"type"`
		Title    json.RawMessage `json:"title"`
		Command  json.RawMessage `json:"command"`
		Content  json.RawMessage `json:"content"`
		OldStr   json.RawMessage `json:"old_str"`
		NewStr   json.RawMessage `json:"new_str"`
		Language json.RawMessage `json:"language"`
	}
	if json.Unmarshal(raw, &in) != nil {
		return arts, "", false
	}
	id := rawString(in.ID)
	old := arts[id]
	ct.work += len(raw) + len(docContent(old))
	if ct.work > 4*len(ct.cc.Messages)*4096+(1<<24) {
		return arts, "", false
	}
	nd := &canvasDoc{}
	if old != nil {
		*nd = *old
	}
	if t := rawString(in.Title); t != "" {
		nd.name = t
	}
	if k := artifactKind(rawString(in.Type), rawString(in.Language)); k != "" {
		nd.kind = k
	}
	ok := true
	switch cmd := rawString(in.Command); cmd {
	case "create", "rewrite", "":
		nd.content = rawString(in.Content)
	case "update":
		from, to := rawString(in.OldStr), rawString(in.NewStr)
		if old == nil || from == "" || !strings.Contains(nd.content, from) {
			ok = false
		} else {
			nd.content = strings.Replace(nd.content, from, to, 1)
		}
	default:
		return arts, "", false
	}
	if !ok && old == nil {
		return arts, "", false
	}
	next := make(artifacts, len(arts)+1)
	for k, v := range arts {
		next[k] = v
	}
	next[id] = nd
	return next, nd.render(), ok
}

// artifactKind maps an artifact's type to the "code/<lang>" form canvasDoc
// renders ("" for a document).
func artifactKind(typ, lang string) string {
	switch {
	case lang != "":
		return "code/" + lang
	case typ == "text/html":
		return "code/html"
	case typ == "image/svg+xml":
		return "code/svg"
	case typ == "application/vnd.ant.mermaid":
		return "code/mermaid"
	case typ == "application/vnd.ant.react":
		return "code/jsx"
	case typ == "application/vnd.ant.code":
		return "code/"
	}
	return "document"
}
