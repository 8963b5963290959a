package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// The parts of a ChatGPT export conversation the importer reads. Fields
// whose shape varies between content types stay raw and are decoded only
// where they are used, so an unexpected shape in noise cannot reject a
// whole conversation; a wrong type in the structure itself does, with a
// reason.
type gptConversation struct {
	Title          *string            `json:"title"`
	CreateTime     *float64           `json:"create_time"`
	UpdateTime     *float64           `json:"update_time"`
	Mapping        map[string]gptNode `json:"mapping"`
	CurrentNode    *string            `json:"current_node"`
	ID             jsonText           `json:"id"`
	ConversationID jsonText           `json:"conversation_id"`
	IsArchived     jsonFlag           `json:"is_archived"`
}

type gptNode struct {
	Message *gptMessage `json:"message"`
	Parent  *string     `json:"parent"`
}

type gptMessage struct {
	Author struct {
		Role string   `json:"role"`
		Name jsonText `json:"name"`
	} `json:"author"`
	CreateTime *float64    `json:"create_time"`
	Content    gptContent  `json:"content"`
	Status     jsonText    `json:"status"`
	Recipient  jsonText    `json:"recipient"`
	Metadata   gptMetadata `json:"metadata"`
}

type gptContent struct {
	ContentType string            `json:"content_type"`
	Parts       []json.RawMessage `json:"parts"`
	Text        jsonText          `json:"text"`
	Language    jsonText          `json:"language"`
	Thoughts    []struct {
		Summary jsonText `json:"summary"`
		Content jsonText `json:"content"`
	} `json:"thoughts"`
}

type gptMetadata struct {
	ModelSlug         jsonText  `json:"model_slug"`
	Hidden            jsonFlag  `json:"is_visually_hidden_from_conversation"`
	ContentReferences jsonValue `json:"content_references"`
	Citations         jsonValue `json:"citations"`
	Attachments       jsonValue `json:"attachments"`
	ReasoningStatus   jsonText  `json:"reasoning_status"`
	AggregateResult   jsonValue `json:"aggregate_result"`
}

// gptCounts counts what an import of one ChatGPT conversation left out or
// changed, over its whole message tree.
type gptCounts struct {
	system, toolMsgs, toolCalls, hidden, other, unknownRole int
	unknownRoles                                            map[string]bool
	voice, empty                                            int
	imagesMissing, filesMissing, notStored                  int
	notStoredWhy                                            map[string]bool
	canvasFailed, orphans, looped, splitReplies             int
}

func (n *gptCounts) notes(hasStore bool) []string {
	var out []string
	add := func(k int, s string) {
		if k > 0 {
			out = append(out, s)
		}
	}
	// Hidden and system messages and raw tool steps ChatGPT does not show
	// either: counted for the whole file (Result.Notes), not noted on every
	// conversation.
	add(n.other, fmt.Sprintf("%d %s left out", n.other, plural(n.other, "message of another kind (e.g. memory, custom instructions)", "messages of other kinds (e.g. memory, custom instructions)")))
	if n.unknownRole > 0 {
		roles := make([]string, 0, len(n.unknownRoles))
		for r := range n.unknownRoles {
			roles = append(roles, fmt.Sprintf("%q", r))
		}
		sort.Strings(roles)
		out = append(out, fmt.Sprintf("%d %s with unknown roles (%s) left out", n.unknownRole, plural(n.unknownRole, "message", "messages"), strings.Join(roles, ", ")))
	}
	add(n.voice, fmt.Sprintf("%d voice %s left out; the transcripts are kept", n.voice, plural(n.voice, "recording", "recordings")))
	if m := n.imagesMissing + n.filesMissing; m > 0 {
		out = append(out, fmt.Sprintf("%d %s not included in the export; a placeholder keeps each place", m, plural(m, "image or file is", "images or files are")))
	}
	if n.notStored > 0 {
		why := "no place to store attachments"
		if hasStore || len(n.notStoredWhy) > 0 {
			reasons := make([]string, 0, len(n.notStoredWhy))
			for r := range n.notStoredWhy {
				reasons = append(reasons, r)
			}
			sort.Strings(reasons)
			why = strings.Join(reasons, "; ")
		}
		out = append(out, fmt.Sprintf("%d %s in the export not imported (%s); a placeholder keeps each place", n.notStored, plural(n.notStored, "image or file", "images or files"), why))
	}
	add(n.canvasFailed, fmt.Sprintf("%d canvas %s could not be applied; the document shows the version before", n.canvasFailed, plural(n.canvasFailed, "edit", "edits")))
	add(n.orphans, fmt.Sprintf("%d %s whose earlier messages are missing from the export imported as a separate start", n.orphans, plural(n.orphans, "branch", "branches")))
	add(n.looped, fmt.Sprintf("%d %s in a loop of the message tree left out", n.looped, plural(n.looped, "message", "messages")))
	add(n.splitReplies, fmt.Sprintf("%d %s that branch in the middle kept with their shared start as a message of its own", n.splitReplies, plural(n.splitReplies, "reply", "replies")))
	add(n.empty, fmt.Sprintf("%d empty %s left out", n.empty, plural(n.empty, "prompt", "prompts")))
	return out
}

// nodeKind says what a node of ChatGPT's message tree is to Murmur.
type nodeKind uint8

const (
	nodeSkip  nodeKind = iota // not shown (system, hidden, a tool's raw output): counted, and no turn boundary
	nodeUser                  // a prompt: a turn of its own
	nodeReply                 // a part of the assistant's turn (text, thoughts, code and its output, canvas, images)
)

// recipient names what an assistant message was addressed to: "all" (the
// user) or a tool.
func (m *gptMessage) recipient() string {
	r := string(m.Recipient)
	if r == "" {
		return "all"
	}
	return r
}

func isCodeTool(r string) bool { return r == "python" || r == "python_user_visible" }

func isCanvasTool(r string) bool {
	return r == "canmore.create_textdoc" || r == "canmore.update_textdoc"
}

// hasImagePart reports whether a tool's multimodal message carries images.
func (m *gptMessage) hasImagePart() bool {
	for _, p := range m.Content.Parts {
		if assetPointer(p).kind == "image" {
			return true
		}
	}
	return false
}

// classify decides what node m is and counts what is left out.
func classify(m *gptMessage, n *gptCounts) nodeKind {
	if m == nil {
		return nodeSkip
	}
	if m.Metadata.Hidden {
		n.hidden++
		return nodeSkip
	}
	ct := m.Content.ContentType
	switch role := m.Author.Role; role {
	case "user":
		switch ct {
		case "text", "multimodal_text", "":
			return nodeUser
		}
		n.other++
		return nodeSkip
	case "assistant":
		r := m.recipient()
		switch {
		case r == "all":
			switch ct {
			case "text", "multimodal_text", "", "code", "thoughts", "reasoning_recap":
				return nodeReply
			}
			n.other++
			return nodeSkip
		case isCodeTool(r) && ct == "code", isCanvasTool(r):
			return nodeReply
		}
		n.toolCalls++ // a call to a tool (browser, dalle, memory…)
		return nodeSkip
	case "tool":
		switch {
		case ct == "execution_output" && isCodeTool(string(m.Author.Name)):
			return nodeReply
		case ct == "multimodal_text" && m.hasImagePart():
			return nodeReply // generated images, charts
		}
		n.toolMsgs++
		return nodeSkip
	case "system":
		n.system++
		return nodeSkip
	default:
		n.unknownRole++
		if n.unknownRoles == nil {
			n.unknownRoles = make(map[string]bool)
		}
		n.unknownRoles[displayName(cutBytes(role, 30))] = true
		return nodeSkip
	}
}

// fromChatGPT converts one conversation of ChatGPT's export, its whole
// message tree: every prompt is a message, and the assistant's messages
// between two prompts (text, thoughts, code and its output, canvas, images)
// are one reply, as ChatGPT shows them. Edited prompts and regenerated
// replies become alternatives; the branch ChatGPT showed stays current.
// System, hidden and raw tool messages are left out and counted.
func (im *importer) fromChatGPT(val []byte) (built, error) {
	var g gptConversation
	if err := json.Unmarshal(val, &g); err != nil {
		return built{}, errors.New(jsonProblem(err))
	}
	title := ""
	if g.Title != nil {
		title = *g.Title
	}
	b := built{title: title}
	if len(g.Mapping) == 0 {
		return b, errors.New("it has no messages")
	}
	srcID := oneLine(cutBytes(string(g.ID), conversation.MaxIDBytes))
	if srcID == "" {
		srcID = oneLine(cutBytes(string(g.ConversationID), conversation.MaxIDBytes))
	}
	if srcID == "" {
		// No id (a hand-made file): the same bytes are the same conversation.
		srcID = fingerprint(val)
	}
	src := &conversation.Source{Service: conversation.SourceChatGPT, ID: srcID}
	if t, ok := gptTime(g.UpdateTime); ok {
		src.UpdatedAt = t
	}
	replaces, err := im.checkKnown(src)
	if err != nil {
		return b, err
	}
	t, err := im.newGPTTree(&g, len(val))
	defer im.gptScratch.release()
	if err != nil {
		return b, err
	}
	c := conversation.New(im.now().UTC())
	if tm, ok := gptTime(g.CreateTime); ok {
		c.CreatedAt = tm
		t.last = tm
	}
	if err := t.convert(c); err != nil {
		return b, err
	}
	if len(c.Messages) == 0 {
		return b, errors.New("it has no user or assistant messages")
	}
	if _, ok := gptTime(g.CreateTime); !ok {
		c.CreatedAt = c.Messages[0].CreatedAt
	}
	c.UpdatedAt = c.CreatedAt
	if t.last.After(c.UpdatedAt) {
		c.UpdatedAt = t.last
	}
	if tm, ok := gptTime(g.UpdateTime); ok {
		c.UpdatedAt = tm
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		c.UpdatedAt = c.CreatedAt
	}
	// The conversation continues with the user's own provider and model:
	// ChatGPT's model names ("auto", "gpt-4-gizmo"…) stay on each message.
	c.Model = ""
	c.Archived = bool(g.IsArchived)
	c.Source = src
	c.Title = oneLine(cutBytes(title, 300))
	if c.Title == "" {
		c.Title = titleFrom(currentPath(c))
	}
	if replaces != "" {
		c.ID = replaces
	}
	b.c, b.replaces = c, replaces != ""
	b.notes = t.counts.notes(im.store != nil)
	im.unshown += t.counts.system + t.counts.hidden + t.counts.toolMsgs + t.counts.toolCalls
	if !utf8.Valid(val) {
		b.notes = append([]string{noteInvalidUTF8}, b.notes...)
	}
	return b, nil
}

// gptTree is one ChatGPT conversation being converted. Nodes are numbered
// (arrays instead of maps keyed by id: a big export has millions of
// nodes).
type gptTree struct {
	im       *importer
	ids      []string
	msgs     []*gptMessage
	kind     []nodeKind
	kidStart []int32 // the children of node i are kidList[kidStart[i]:kidStart[i+1]], oldest first
	kidList  []int32
	roots    []int32
	pathPos  []int32 // depth on the current branch, or -1
	rendered []bool  // the node's notes were counted already
	counts   gptCounts
	prompts  int       // nodes that are prompts
	last     time.Time // the latest time of the export seen so far (zero: none yet)
	current  int       // index in c.Messages of the deepest message on the current branch
	curPos   int32
	// dupBudget bounds the bytes of reply parts copied into several
	// replies where a reply branches in the middle, so that a hostile tree
	// cannot make the import quadratic.
	dupBudget int
	// canvasWork counts the bytes canvas edits went through, against
	// canvasBudget (many edits of a big document stay linear).
	canvasWork, canvasBudget int
}

// gptScratch is the memory one import reuses from one ChatGPT
// conversation to the next (an export holds thousands), so that the
// garbage, and with it the peak heap, stays small.
type gptScratch struct {
	index                                    map[string]int32
	ids                                      []string
	msgs                                     []*gptMessage
	kind                                     []nodeKind
	parents                                  []*string
	parent, kids, fill, kidList, pathPos, up []int32
	rendered                                 []bool
}

// take returns s's slices emptied (or new ones when the last conversation
// was so big that keeping its memory would cost more than it saves).
func (s *gptScratch) take(n int) {
	const keep = 1 << 14
	if s.index == nil || len(s.index) > keep {
		s.index = make(map[string]int32, n)
	} else {
		clear(s.index)
	}
	if cap(s.ids) > keep {
		*s = gptScratch{index: s.index}
	}
	s.ids, s.msgs, s.kind, s.parents = s.ids[:0], s.msgs[:0], s.kind[:0], s.parents[:0]
	s.parent, s.kids, s.fill, s.kidList, s.pathPos, s.up, s.rendered = s.parent[:0], s.kids[:0], s.fill[:0], s.kidList[:0], s.pathPos[:0], s.up[:0], s.rendered[:0]
}

// release drops what points into the conversation just converted.
func (s *gptScratch) release() {
	clear(s.msgs)
	clear(s.parents)
}

// grow returns xs with length n, every element zero.
func grow[T any](xs []T, n int) []T {
	if cap(xs) < n {
		return make([]T, n)
	}
	xs = xs[:n]
	clear(xs)
	return xs
}

func (im *importer) newGPTTree(g *gptConversation, size int) (*gptTree, error) {
	n := len(g.Mapping)
	sc := &im.gptScratch
	sc.take(n)
	t := &gptTree{im: im, current: -1, curPos: -1, dupBudget: size + 1<<20, canvasBudget: 4*size + 1<<20}
	index := sc.index
	for id, node := range g.Mapping {
		index[id] = int32(len(sc.ids))
		sc.ids = append(sc.ids, id)
		sc.msgs = append(sc.msgs, node.Message)
		k := classify(node.Message, &t.counts)
		if k == nodeUser {
			t.prompts++
		}
		sc.kind = append(sc.kind, k)
		sc.parents = append(sc.parents, node.Parent)
	}
	t.ids, t.msgs, t.kind = sc.ids, sc.msgs, sc.kind
	parents := sc.parents
	sc.parent = grow(sc.parent, n)
	sc.kids = grow(sc.kids, n+1)
	parent, kids := sc.parent, sc.kids
	for i, p := range parents {
		parent[i] = -1
		switch {
		case p == nil || *p == "":
			t.roots = append(t.roots, int32(i))
		case *p == t.ids[i]:
			parent[i] = int32(i) // its own parent: a loop of one, never reached
		default:
			pi, ok := index[*p]
			if !ok {
				t.counts.orphans++
				t.roots = append(t.roots, int32(i))
				continue
			}
			parent[i] = pi
			kids[pi+1]++
		}
	}
	for i := 1; i <= n; i++ {
		kids[i] += kids[i-1]
	}
	t.kidStart = kids
	sc.kidList = grow(sc.kidList, int(kids[n]))
	sc.fill = grow(sc.fill, n)
	t.kidList = sc.kidList
	fill := sc.fill
	for i, p := range parent {
		if p >= 0 && int(p) != i {
			t.kidList[kids[p]+fill[p]] = int32(i)
			fill[p]++
		}
	}
	byTime := func(xs []int32) {
		if len(xs) < 2 {
			return
		}
		sort.Slice(xs, func(a, b int) bool {
			ta, tb := t.nodeTime(xs[a]), t.nodeTime(xs[b])
			if ta != tb {
				return ta < tb
			}
			return t.ids[xs[a]] < t.ids[xs[b]]
		})
	}
	byTime(t.roots)
	for i := 0; i < n; i++ {
		byTime(t.kids(int32(i)))
	}
	// The current branch: from current_node (or the newest leaf) to the root.
	leaf, ok := int32(-1), false
	if g.CurrentNode != nil {
		leaf, ok = index[*g.CurrentNode]
	}
	if !ok {
		leaf, ok = index[latestLeaf(g.Mapping)]
	}
	sc.pathPos = grow(sc.pathPos, n)
	t.pathPos = sc.pathPos
	for i := range t.pathPos {
		t.pathPos[i] = -1
	}
	up := sc.up[:0]
	for i := leaf; ok && i >= 0; i = parent[i] {
		if t.pathPos[i] == 0 {
			return nil, errors.New("its message tree has a cycle")
		}
		t.pathPos[i] = 0 // seen; the depth is set below
		up = append(up, i)
	}
	for d, i := range up {
		t.pathPos[i] = int32(len(up) - 1 - d)
	}
	sc.up = up
	sc.rendered = grow(sc.rendered, n)
	t.rendered = sc.rendered
	return t, nil
}

func (t *gptTree) kids(i int32) []int32 { return t.kidList[t.kidStart[i]:t.kidStart[i+1]] }

func (t *gptTree) nodeTime(i int32) float64 {
	if m := t.msgs[i]; m != nil && m.CreateTime != nil && !math.IsNaN(*m.CreateTime) {
		return *m.CreateTime
	}
	return 0
}

// frame is one step of the walk over the tree: a node, the Murmur message
// its turn hangs under, the reply parts gathered since the last prompt and
// the canvas as it stands on this branch.
type frame struct {
	node     int32
	parent   int // index in c.Messages, or -1
	run      []int32
	runBytes int
	canvas   *canvasDoc
}

// convert walks the tree depth first (without recursion: trees can be
// deep) and adds one message per prompt and one per reply to c.
func (t *gptTree) convert(c *conversation.Conversation) error {
	c.Messages = make([]conversation.Message, 0, min(2*t.prompts+2, len(t.ids)))
	stack := make([]frame, 0, len(t.roots))
	for i := len(t.roots) - 1; i >= 0; i-- {
		stack = append(stack, frame{node: t.roots[i], parent: -1})
	}
	visited := 0
	for len(stack) > 0 {
		if err := t.im.ctx.Err(); err != nil {
			return err
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visited++
		parent, canvas := f.parent, f.canvas
		run, runBytes := f.run, f.runBytes
		switch t.kind[f.node] {
		case nodeUser:
			var err error
			if parent, canvas, err = t.flush(c, parent, run, canvas); err != nil {
				return err
			}
			run, runBytes = nil, 0
			if err := t.addPrompt(c, &parent, f.node); err != nil {
				return err
			}
		case nodeReply:
			run = append(run, f.node)
			runBytes += nodeBytes(t.msgs[f.node])
		}
		kids := t.kids(f.node)
		if len(kids) == 0 {
			if _, _, err := t.flush(c, parent, run, canvas); err != nil {
				return err
			}
			continue
		}
		if len(kids) == 1 {
			stack = append(stack, frame{node: kids[0], parent: parent, run: run, runBytes: runBytes, canvas: canvas})
			continue
		}
		// A fork. Prompts under it (edited prompts) all follow the reply so
		// far, made once; branches that go on with the reply (a reply that
		// branches in the middle) each repeat its shared start, as ChatGPT
		// shows them, while the budget lasts.
		prompts, cont := 0, 0
		for _, k := range kids {
			if t.kind[k] == nodeUser {
				prompts++
			} else {
				cont++
			}
		}
		flushed, flushedCanvas := parent, canvas
		if len(run) > 0 && prompts > 0 {
			var err error
			if flushed, flushedCanvas, err = t.flush(c, parent, run, canvas); err != nil {
				return err
			}
		}
		copies := cont
		if prompts > 0 {
			copies++
		}
		if len(run) > 0 && cont > 0 && copies > 1 {
			if cost := runBytes * (copies - 1); cost > t.dupBudget {
				if prompts == 0 {
					var err error
					if flushed, flushedCanvas, err = t.flush(c, parent, run, canvas); err != nil {
						return err
					}
				}
				parent, canvas, run, runBytes = flushed, flushedCanvas, nil, 0
				t.counts.splitReplies++
			} else {
				t.dupBudget -= cost
			}
		}
		// A full slice expression: appending in one branch never writes
		// into another's run (one copy per fork, not per node).
		run = run[:len(run):len(run)]
		for i := len(kids) - 1; i >= 0; i-- {
			if t.kind[kids[i]] == nodeUser {
				stack = append(stack, frame{node: kids[i], parent: flushed, canvas: flushedCanvas})
				continue
			}
			stack = append(stack, frame{node: kids[i], parent: parent, run: run, runBytes: runBytes, canvas: canvas})
		}
	}
	t.counts.looped = len(t.ids) - visited
	if t.current >= 0 {
		c.CurrentID = c.Messages[t.current].ID
	}
	return nil
}

// nodeBytes estimates the size of what a node adds to a reply.
func nodeBytes(m *gptMessage) int {
	n := len(m.Content.Text) + 64
	for _, p := range m.Content.Parts {
		n += len(p)
	}
	for _, th := range m.Content.Thoughts {
		n += len(th.Summary) + len(th.Content)
	}
	return n
}

// add appends msg under parent, notes whether it is on the current branch
// (pos: the deepest depth among its nodes, -1 for none) and returns its
// index.
func (t *gptTree) add(c *conversation.Conversation, parent int, msg conversation.Message, pos int32) (int, error) {
	if len(c.Messages) >= conversation.MaxMessages {
		return 0, fmt.Errorf("it has more than the %d messages a conversation may hold", conversation.MaxMessages)
	}
	msg.ID = conversation.NewID()
	if parent >= 0 {
		msg.ParentID = c.Messages[parent].ID
	}
	c.Messages = append(c.Messages, msg)
	i := len(c.Messages) - 1
	if pos > t.curPos {
		t.current, t.curPos = i, pos
	}
	if msg.CreatedAt.After(t.last) {
		t.last = msg.CreatedAt
	}
	return i, nil
}

// timeOf is a node's time, or the latest time seen before it (the
// import's time when the export gave none yet).
func (t *gptTree) timeOf(m *gptMessage) time.Time {
	if at, ok := gptTime(m.CreateTime); ok {
		return at
	}
	return t.fallbackTime()
}

func (t *gptTree) fallbackTime() time.Time {
	if t.last.IsZero() {
		return t.im.now().UTC()
	}
	return t.last
}

// firstRender reports whether node i is rendered for the first time (its
// notes are counted once however many branches repeat it).
func (t *gptTree) firstRender(i int32) bool {
	if t.rendered[i] {
		return false
	}
	t.rendered[i] = true
	return true
}

// addPrompt adds the user's message of node i and moves *parent to it.
func (t *gptTree) addPrompt(c *conversation.Conversation, parent *int, i int32) error {
	m := t.msgs[i]
	first := t.firstRender(i)
	var b partsBuilder
	files := promptFileList(m)
	if err := t.promptFiles(&b, m, files, first); err != nil {
		return err
	}
	for _, p := range m.Content.Parts {
		if s := rawString(p); s != "" {
			b.text(s)
			continue
		}
		if s := transcript(p); s != "" {
			b.text(s)
			continue
		}
		ap := assetPointer(p)
		switch ap.kind {
		case "image":
			var f gptFile
			for _, x := range files {
				if x.ID == refID(ap.ref) {
					f = x
				}
			}
			if err := t.asset(&b, ap.ref, f.Name, f.MIMEType, "image", first); err != nil {
				return err
			}
		case "audio":
			if first {
				t.counts.voice++
			}
		}
	}
	content := b.content()
	if content.IsZero() {
		if first {
			t.counts.empty++
		}
		return nil
	}
	at, err := t.add(c, *parent, conversation.Message{Role: conversation.RoleUser, Content: content,
		Status: conversation.StatusComplete, CreatedAt: t.timeOf(m)}, t.pathPos[i])
	if err != nil {
		return err
	}
	*parent = at
	return nil
}

// gptFile is an entry of a message's metadata.attachments: a file the user
// uploaded.
type gptFile struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	MIMEType string `json:"mime_type"`
}

// promptFileList reads a prompt's metadata.attachments.
func promptFileList(m *gptMessage) []gptFile {
	raw := m.Metadata.Attachments
	if len(raw) < 2 || raw[0] != '[' {
		return nil
	}
	var files []gptFile
	if json.Unmarshal(raw, &files) != nil {
		return nil
	}
	return files
}

// promptFiles adds the uploaded files of a prompt that are not images shown
// in its parts (those come with the parts).
func (t *gptTree) promptFiles(b *partsBuilder, m *gptMessage, files []gptFile, first bool) error {
	if len(files) == 0 {
		return nil
	}
	inParts := make(map[string]bool)
	for _, p := range m.Content.Parts {
		if ap := assetPointer(p); ap.ref != "" {
			inParts[refID(ap.ref)] = true
		}
	}
	for _, f := range files {
		if f.ID == "" || inParts[f.ID] {
			continue
		}
		kind := "file"
		if strings.HasPrefix(f.MIMEType, "image/") {
			kind = "image"
		}
		if err := t.asset(b, f.ID, f.Name, f.MIMEType, kind, first); err != nil {
			return err
		}
	}
	return nil
}

// asset adds the file ref names (an asset pointer or a file id) as an
// attachment, or the placeholder that keeps its place.
func (t *gptTree) asset(b *partsBuilder, ref, name, mime, kind string, first bool) error {
	f := t.im.assets.find(ref)
	a, res, why, err := t.im.importAsset(f, name, mime)
	if err != nil {
		return err
	}
	switch res {
	case assetImported:
		b.attachment(a)
		return nil
	case assetMissing:
		if first {
			if kind == "image" {
				t.counts.imagesMissing++
			} else {
				t.counts.filesMissing++
			}
		}
		if name == "" && kind == "image" {
			b.text(placeholderImage)
		} else {
			b.text(placeholder(kind, name, false))
		}
	default:
		if first {
			t.counts.notStored++
			if why != "" {
				if t.counts.notStoredWhy == nil {
					t.counts.notStoredWhy = make(map[string]bool)
				}
				t.counts.notStoredWhy[why] = true
			}
		}
		if name == "" {
			name = assetName(path.Base(f.Name))
		}
		b.text(placeholder(kind, name, true))
	}
	return nil
}

// refID is the file id an asset pointer names: "sediment://file_00…" →
// "file_00…".
func refID(ref string) string {
	if _, after, ok := strings.Cut(ref, "://"); ok {
		ref = after
	}
	return path.Base(ref)
}

// pointer is a part that refers to a file: an image or a voice recording.
type pointer struct{ kind, ref string }

// assetPointer reads a part like {"content_type":"image_asset_pointer",
// "asset_pointer":"file-service://file-AbC"}.
func assetPointer(p json.RawMessage) pointer {
	if len(p) == 0 || p[0] != '{' {
		return pointer{}
	}
	var part struct {
		ContentType  string          `json:"content_type"`
		AssetPointer json.RawMessage `json:"asset_pointer"`
	}
	if json.Unmarshal(p, &part) != nil {
		return pointer{}
	}
	ref := rawString(part.AssetPointer)
	switch part.ContentType {
	case "image_asset_pointer":
		return pointer{"image", ref}
	case "audio_asset_pointer", "real_time_user_audio_video_asset_pointer":
		return pointer{"audio", ref}
	}
	return pointer{}
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
