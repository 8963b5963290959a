package transfer

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// partsBuilder gathers a message's content: text pieces joined by blank
// lines, with attachments in their place among them.
type partsBuilder struct {
	parts []conversation.Part
	buf   strings.Builder
}

func (b *partsBuilder) text(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if b.buf.Len() > 0 {
		b.buf.WriteString("\n\n")
	}
	b.buf.WriteString(s)
}

func (b *partsBuilder) attachment(a conversation.Attachment) {
	b.flushText()
	b.parts = append(b.parts, conversation.Part{Type: conversation.PartAttachment, Attachment: &a})
}

func (b *partsBuilder) flushText() {
	if b.buf.Len() > 0 {
		b.parts = append(b.parts, conversation.Part{Type: conversation.PartText, Text: b.buf.String()})
		b.buf.Reset()
	}
}

// content returns plain text when there are no attachments, else parts.
func (b *partsBuilder) content() conversation.Content {
	if len(b.parts) == 0 {
		return conversation.TextContent(b.buf.String())
	}
	b.flushText()
	return conversation.Content{Parts: b.parts}
}

// fence puts body in a fenced code block whose fence is longer than any
// run of backticks inside it.
func fence(body, lang string) string {
	longest, run := 0, 0
	for i := 0; i < len(body); i++ {
		if body[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + oneLine(lang) + "\n" + strings.TrimRight(body, "\n") + "\n" + f
}

// flush turns the reply parts gathered since the last prompt (run) into
// one assistant message under parent, and returns it (or parent, when the
// reply shows nothing) with the canvas as it stands after the reply.
func (t *gptTree) flush(c *conversation.Conversation, parent int, run []int32, canvas *canvasDoc) (int, *canvasDoc, error) {
	if len(run) == 0 {
		return parent, canvas, nil
	}
	var b partsBuilder
	var reasoning strings.Builder
	think := func(s string) {
		if strings.TrimSpace(s) == "" {
			return
		}
		if reasoning.Len() > 0 {
			reasoning.WriteString("\n\n")
		}
		reasoning.WriteString(s)
	}
	model := ""
	status := conversation.StatusComplete
	var at time.Time
	pos := int32(-1)
	for _, id := range run {
		first := t.firstRender(id)
		m := t.msgs[id]
		pos = max(pos, t.pathPos[id])
		if at.IsZero() {
			at, _ = gptTime(m.CreateTime)
		}
		if m.Author.Role == "assistant" {
			if s := oneLine(cutBytes(string(m.Metadata.ModelSlug), 200)); s != "" {
				model = s
			}
			status = conversation.StatusComplete
			if m.Status == "in_progress" {
				status = conversation.StatusInterrupted
			}
		}
		// Code run while a reasoning model thinks belongs to its reasoning.
		inThought := m.Metadata.ReasoningStatus == "is_reasoning"
		show := b.text
		if inThought {
			show = think
		}
		ct, r := m.Content.ContentType, m.recipient()
		switch {
		case m.Author.Role == "tool" && ct == "execution_output":
			if out := string(m.Content.Text); strings.TrimSpace(out) != "" {
				show("Output:\n\n" + fence(out, ""))
			}
			// Charts the code drew.
			for _, ref := range outputImages(m.Metadata.AggregateResult) {
				if err := t.asset(&b, ref, "", "", "image", first); err != nil {
					return 0, nil, err
				}
			}
		case m.Author.Role == "tool":
			for _, p := range m.Content.Parts {
				if ap := assetPointer(p); ap.kind == "image" {
					if err := t.asset(&b, ap.ref, "", "", "image", first); err != nil {
						return 0, nil, err
					}
				}
			}
		case isCanvasTool(r):
			var text string
			var ok bool
			canvas, text, ok = t.applyCanvas(canvas, r, string(m.Content.Text))
			if !ok && first {
				t.counts.canvasFailed++
			}
			b.text(text)
		case isCodeTool(r):
			if code := string(m.Content.Text); strings.TrimSpace(code) != "" {
				show(fence(code, "python"))
			}
		case ct == "thoughts":
			for _, th := range m.Content.Thoughts {
				if s := string(th.Summary); s != "" {
					think("**" + s + "**")
				}
				think(string(th.Content))
			}
		case ct == "reasoning_recap":
			// "Thought for 8 seconds": nothing to keep.
		case ct == "code":
			if code := string(m.Content.Text); code != "" {
				lang := string(m.Content.Language)
				if lang == "unknown" {
					lang = ""
				}
				show(fence(code, lang))
			}
		default:
			for _, p := range m.Content.Parts {
				if s := rawString(p); s != "" {
					b.text(resolveCitations(s, &m.Metadata))
					continue
				}
				if s := transcript(p); s != "" {
					b.text(s)
					continue
				}
				if ap := assetPointer(p); ap.kind == "image" {
					if err := t.asset(&b, ap.ref, "", "", "image", first); err != nil {
						return 0, nil, err
					}
				}
			}
		}
	}
	content := b.content()
	reason := strings.TrimSpace(reasoning.String())
	if content.IsZero() && reason == "" {
		return parent, canvas, nil
	}
	if at.IsZero() {
		at = t.fallbackTime()
	}
	i, err := t.add(c, parent, conversation.Message{Role: conversation.RoleAssistant, Content: content, Reasoning: reason,
		Status: status, Model: model, CreatedAt: at}, pos)
	return i, canvas, err
}

// outputImages returns the images a Code Interpreter run produced, as its
// metadata.aggregate_result lists them.
func outputImages(raw jsonValue) []string {
	if len(raw) < 2 || raw[0] != '{' {
		return nil
	}
	var agg struct {
		Messages []struct {
			MessageType json.RawMessage `json:"message_type"`
			ImageURL    json.RawMessage `json:"image_url"`
		} `json:"messages"`
	}
	if json.Unmarshal(raw, &agg) != nil {
		return nil
	}
	var out []string
	for _, m := range agg.Messages {
		if rawString(m.MessageType) == "image" {
			if u := rawString(m.ImageURL); u != "" {
				out = append(out, u)
			}
		}
	}
	return out
}

// canvasDoc is a ChatGPT canvas document as it stands on one branch.
// Values are never changed: an edit makes a new one, so branches that share
// a document's history do not share its edits.
type canvasDoc struct {
	name, kind, content string
}

// render shows the document in a reply: its title and a fenced block.
func (d *canvasDoc) render() string {
	lang := ""
	if l, ok := strings.CutPrefix(d.kind, "code/"); ok {
		lang = l
	}
	name := oneLine(d.name)
	if name == "" {
		name = "Canvas"
	}
	return "**" + mdEscape(name) + "**\n\n" + fence(d.content, lang)
}

// applyCanvas applies one canvas call to doc. It returns the document
// after the call, the text the reply shows for it, and false when the call
// could not be applied (the document then stays as it was).
func (t *gptTree) applyCanvas(doc *canvasDoc, tool, raw string) (*canvasDoc, string, bool) {
	t.canvasWork += len(raw) + len(docContent(doc))
	if t.canvasWork > t.canvasBudget {
		return doc, "", false
	}
	if tool == "canmore.create_textdoc" {
		var in struct {
			Name    json.RawMessage `json:"name"`
			Type    json.RawMessage `json:"type"`
			Content json.RawMessage `json:"content"`
		}
		if !decodeLenient(raw, &in) {
			return doc, "", false
		}
		nd := &canvasDoc{name: rawString(in.Name), kind: rawString(in.Type), content: rawString(in.Content)}
		return nd, nd.render(), true
	}
	var in struct {
		Updates []struct {
			Pattern     json.RawMessage `json:"pattern"`
			Multiple    bool            `json:"multiple"`
			Replacement json.RawMessage `json:"replacement"`
		} `json:"updates"`
	}
	if !decodeLenient(raw, &in) || len(in.Updates) == 0 {
		return doc, "", false
	}
	nd := &canvasDoc{name: "Canvas"}
	if doc != nil {
		*nd = *doc
	}
	ok := true
	for _, u := range in.Updates {
		pattern, repl := rawString(u.Pattern), rawString(u.Replacement)
		switch {
		case pattern == ".*" || pattern == "(?s).*" || pattern == "^.*$" || pattern == "(?s)^.*$":
			nd.content = repl
		case doc == nil || len(pattern) > 10_000:
			ok = false
		default:
			re, err := regexp.Compile(pattern)
			if err != nil {
				ok = false
				continue
			}
			if u.Multiple {
				nd.content = re.ReplaceAllLiteralString(nd.content, repl)
				continue
			}
			loc := re.FindStringIndex(nd.content)
			if loc == nil {
				ok = false
				continue
			}
			nd.content = nd.content[:loc[0]] + repl + nd.content[loc[1]:]
		}
	}
	return nd, nd.render(), ok
}

func docContent(d *canvasDoc) string {
	if d == nil {
		return ""
	}
	return d.content
}

// decodeLenient decodes a tool call's JSON arguments, which ChatGPT's
// export sometimes cuts short by a few closing characters.
func decodeLenient(raw string, v any) bool {
	for _, tail := range []string{"", "}", "]}", "}]}", "\"}]}", "\"}"} {
		if json.Unmarshal([]byte(raw+tail), v) == nil {
			return true
		}
	}
	return false
}

// ---- citations ---------------------------------------------------------------

// ChatGPT marks citations in reply text with private-use characters
// (U+E200 "cite" U+E202 "turn0search3" U+E201, and image_group, entity,
// navlist… the same way) or, before 2025, with 【8†source】. The metadata
// says where most of them lead.
const (
	citeOpen  = '\ue200'
	citeSep   = '\ue202'
	citeClose = '\ue201'
)

type gptContentRef struct {
	MatchedText json.RawMessage `json:"matched_text"`
	Type        json.RawMessage `json:"type"`
	Alt         json.RawMessage `json:"alt"`
	Invalid     json.RawMessage `json:"invalid"`
	Title       json.RawMessage `json:"title"`
	URL         json.RawMessage `json:"url"`
	Attribution json.RawMessage `json:"attribution"`
	Items       []struct {
		Title       json.RawMessage `json:"title"`
		URL         json.RawMessage `json:"url"`
		Attribution json.RawMessage `json:"attribution"`
	} `json:"items"`
}

// resolveCitations turns citation markup into Markdown links where the
// metadata says where it leads, and removes it cleanly where it does not.
func resolveCitations(s string, meta *gptMetadata) string {
	pua := strings.ContainsRune(s, citeOpen)
	bracket := strings.Contains(s, "†")
	if !pua && !bracket {
		return s
	}
	s = applyContentRefs(s, meta.ContentReferences)
	if bracket {
		s = bracketCitations(s, meta.Citations)
	}
	if strings.ContainsRune(s, citeOpen) {
		s = stripCiteMarkup(s)
	}
	return s
}

// applyContentRefs replaces each marked span the references name
// (matched_text) with what it stands for.
func applyContentRefs(s string, raw jsonValue) string {
	if len(raw) < 2 || raw[0] != '[' {
		return s
	}
	var refs []json.RawMessage
	if json.Unmarshal(raw, &refs) != nil {
		return s
	}
	for _, r := range refs {
		var ref gptContentRef
		if json.Unmarshal(r, &ref) != nil {
			continue
		}
		matched := rawString(ref.MatchedText)
		// Only spans of markup: some references match plain text (a space).
		if matched == "" || (!strings.ContainsRune(matched, citeOpen) && !strings.Contains(matched, "†")) {
			continue
		}
		if !strings.Contains(s, matched) {
			continue
		}
		s = splice(s, matched, ref.replacement(matched))
	}
	return s
}

// replacement is the Markdown a reference's span becomes.
func (ref *gptContentRef) replacement(matched string) string {
	if string(ref.Invalid) == "true" {
		return ""
	}
	switch rawString(ref.Type) {
	case "sources_footnote", "image_v2", "image_group", "hidden", "tldr", "nav_list", "navlist":
		return ""
	case "entity", "product_entity":
		if name := entityName(matched); name != "" {
			return name
		}
		return altText(ref.Alt)
	}
	var links []string
	seen := make(map[string]bool)
	addLink := func(title, attribution, u string) {
		if l := mdLink(firstNonEmpty(attribution, title), u); l != "" && !seen[u] {
			seen[u] = true
			links = append(links, l)
		}
	}
	for _, it := range ref.Items {
		addLink(rawString(it.Title), rawString(it.Attribution), rawString(it.URL))
	}
	if len(links) == 0 {
		addLink(rawString(ref.Title), rawString(ref.Attribution), rawString(ref.URL))
	}
	if len(links) > 0 {
		return " (" + strings.Join(links, ", ") + ")"
	}
	return altText(ref.Alt)
}

// altText is a reference's own replacement text, on one line, keeping the
// space it starts with.
func altText(raw json.RawMessage) string {
	alt := rawString(raw)
	lead := ""
	if strings.HasPrefix(alt, " ") {
		lead = " "
	}
	if alt = oneLine(alt); alt == "" {
		return ""
	}
	return lead + alt
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = oneLine(s); s != "" {
			return s
		}
	}
	return ""
}

// mdLink is a Markdown link to an http(s) URL, or "" for any other URL.
// label defaults to the host.
func mdLink(label, raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	if label == "" {
		label = strings.TrimPrefix(u.Hostname(), "www.")
	}
	label = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(cutBytes(oneLine(label), 200))
	dest := u.String()
	if strings.ContainsAny(dest, " ()<>") {
		dest = "<" + mdURL(dest) + ">"
	}
	return "[" + label + "](" + dest + ")"
}

// entityName is the name an entity span shows: U+E200 entity U+E202
// ["city","Paris","capital of France"] U+E201 → Paris.
func entityName(span string) string {
	inner := strings.TrimSuffix(strings.TrimPrefix(span, string(citeOpen)), string(citeClose))
	kind, rest, ok := strings.Cut(inner, string(citeSep))
	if !ok || kind != "entity" {
		return ""
	}
	var fields []json.RawMessage
	if json.Unmarshal([]byte(rest), &fields) != nil || len(fields) < 2 {
		return ""
	}
	return oneLine(rawString(fields[1]))
}

// splice replaces every old in s with repl; a removed span also takes the
// space before it when punctuation or the end follows, so "word .”" does not
// remain.
func splice(s, old, repl string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		head, tail := s[:i], s[i+len(old):]
		switch {
		case repl == "":
			head, tail = closeGap(head, tail)
		case strings.HasPrefix(repl, " "):
			head = strings.TrimSuffix(head, " ")
		}
		b.WriteString(head)
		b.WriteString(repl)
		s = tail
	}
}

// stripCiteMarkup removes the private-use spans no reference explained;
// an entity span keeps its name.
func stripCiteMarkup(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexRune(s, citeOpen)
		if i < 0 {
			break
		}
		j := strings.IndexRune(s[i:], citeClose)
		if j < 0 || j > 4000 {
			b.WriteString(s[:i])
			s = s[i+utf8.RuneLen(citeOpen):]
			continue
		}
		span := s[i : i+j+utf8.RuneLen(citeClose)]
		head := s[:i]
		tail := s[i+len(span):]
		name := entityName(span)
		if name == "" {
			head, tail = closeGap(head, tail)
		}
		b.WriteString(head)
		b.WriteString(name)
		s = tail
	}
	b.WriteString(s)
	return strings.Map(func(r rune) rune {
		if r >= '\ue200' && r <= '\ue203' {
			return -1
		}
		return r
	}, b.String())
}

type gptCitation struct {
	StartIx  *int `json:"start_ix"`
	EndIx    *int `json:"end_ix"`
	Metadata struct {
		Title json.RawMessage `json:"title"`
		URL   json.RawMessage `json:"url"`
	} `json:"metadata"`
}

// bracketMarker is one 【8†source】 span: byte range and rune offset.
type bracketMarker struct {
	start, end, runeStart int
}

// bracketMarkers finds the 【…†…】 spans of s: an index (8, or 4:0), a
// dagger, a label. Other uses of the brackets (they are CJK punctuation)
// are left alone.
func bracketMarkers(s string) []bracketMarker {
	var out []bracketMarker
	runes := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '【' {
			if end := strings.Index(s[i:min(len(s), i+300)], "】"); end > 0 {
				inner := s[i+size : i+end]
				idx, _, ok := strings.Cut(inner, "†")
				if ok && idx != "" && strings.Trim(idx, "0123456789:") == "" && !strings.Contains(inner, "\n") {
					out = append(out, bracketMarker{start: i, end: i + end + len("】"), runeStart: runes})
				}
			}
		}
		i += size
		runes++
	}
	return out
}

// bracketCitations links the 2023-style markers the citations metadata
// places (by their position in the text) and removes the rest.
func bracketCitations(s string, raw jsonValue) string {
	markers := bracketMarkers(s)
	if len(markers) == 0 {
		return s
	}
	var cites []gptCitation
	if len(raw) > 1 && raw[0] == '[' {
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) == nil {
			for _, e := range elems {
				var c gptCitation
				if json.Unmarshal(e, &c) == nil && c.StartIx != nil {
					cites = append(cites, c)
				}
			}
		}
	}
	byStart := make(map[int]gptCitation, len(cites))
	for _, c := range cites {
		byStart[*c.StartIx] = c
	}
	matched := 0
	for _, m := range markers {
		if _, ok := byStart[m.runeStart]; ok {
			matched++
		}
	}
	link := func(i int, m bracketMarker) string {
		var c gptCitation
		var ok bool
		if matched > 0 {
			c, ok = byStart[m.runeStart]
		} else if len(cites) == len(markers) {
			c, ok = cites[i], true // positions in another unit: pair them in order
		}
		if !ok {
			return ""
		}
		if l := mdLink(rawString(c.Metadata.Title), rawString(c.Metadata.URL)); l != "" {
			return " (" + l + ")"
		}
		return ""
	}
	var b strings.Builder
	b.Grow(len(s))
	prev := 0
	for i, m := range markers {
		head := s[prev:m.start]
		repl := link(i, m)
		if repl != "" {
			head = strings.TrimSuffix(head, " ")
		} else if next := len(s); i+1 == len(markers) || markers[i+1].start > m.end {
			// What follows up to the next marker decides the gap.
			if i+1 < len(markers) {
				next = markers[i+1].start
			}
			var tail string
			head, tail = closeGap(head, s[m.end:next])
			b.WriteString(head)
			b.WriteString(tail)
			prev = next
			continue
		}
		b.WriteString(head)
		b.WriteString(repl)
		prev = m.end
	}
	b.WriteString(s[prev:])
	return b.String()
}

// closeGap joins the text around a removed span: no space before
// punctuation, at most one blank line, nothing trailing at the end.
func closeGap(head, tail string) (string, string) {
	if strings.TrimSpace(tail) == "" {
		return strings.TrimRight(head, " \t\n"), ""
	}
	if strings.HasSuffix(head, " ") && strings.IndexAny(tail[:1], ".,;:!?)\n ") == 0 {
		head = head[:len(head)-1]
	}
	h := len(head) - len(strings.TrimRight(head, "\n"))
	k := len(tail) - len(strings.TrimLeft(tail, "\n"))
	if h+k > 2 {
		tail = tail[min(k, h+k-2):]
	}
	if head == "" {
		tail = strings.TrimLeft(tail, " \n")
	}
	return head, tail
}
