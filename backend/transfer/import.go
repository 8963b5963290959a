package transfer

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// Sink receives each imported conversation, whole and validated, with ids
// of its own. The caller saves it; an error from the sink stops the import.
type Sink func(ctx context.Context, c *conversation.Conversation) error

// Kind names the kind of file an import found.
type Kind string

// The kinds of file Import reads.
const (
	KindMurmur    Kind = "murmur"     // one Murmur JSON document (or an array of them)
	KindMurmurZip Kind = "murmur-zip" // a zip of Murmur JSON documents (what ExportZip writes)
	KindChatGPT   Kind = "chatgpt"    // ChatGPT's conversations.json, alone or in its export zip
	KindClaude    Kind = "claude"     // Claude's conversations.json, alone or in its export zip
	KindOpenAI    Kind = "openai"     // an OpenAI messages array (or a request body holding one)
	KindZip       Kind = "zip"        // a zip holding a mix of the above
)

// Limits cap what an import accepts. A zero field means its default (see
// DefaultLimits).
type Limits struct {
	// MaxFileBytes caps the size of the file to import.
	MaxFileBytes int64
	// MaxConversationBytes caps the JSON of one conversation (one element
	// of a ChatGPT export, one Murmur document, one messages array).
	MaxConversationBytes int64
	// MaxConversations caps the conversations one import brings in.
	MaxConversations int
	// MaxDepth caps JSON nesting.
	MaxDepth int
	// MaxZipEntries caps the entries of a zip.
	MaxZipEntries int
	// MaxEntryBytes caps the uncompressed size of one zip entry.
	MaxEntryBytes int64
	// MaxTotalBytes caps the uncompressed size of all entries read from a zip.
	MaxTotalBytes int64
	// MaxRatio caps an entry's uncompressed:compressed ratio (for entries
	// over 1 MiB), the mark of a zip bomb.
	MaxRatio int
	// MaxAttachmentBytes caps one file handed to the attachment store.
	MaxAttachmentBytes int64
}

// DefaultLimits returns the caps Import uses unless told otherwise: big
// enough for a real ChatGPT export of several gigabytes, small enough that
// hostile input cannot exhaust memory or disk.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:         8 << 30,
		MaxConversationBytes: 64 << 20,
		MaxConversations:     200_000,
		MaxDepth:             64,
		MaxZipEntries:        100_000,
		MaxEntryBytes:        8 << 30,
		MaxTotalBytes:        16 << 30,
		MaxRatio:             200,
		MaxAttachmentBytes:   64 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.MaxFileBytes, d.MaxFileBytes)
	orDefault(&l.MaxConversationBytes, d.MaxConversationBytes)
	orDefault(&l.MaxConversations, d.MaxConversations)
	orDefault(&l.MaxDepth, d.MaxDepth)
	orDefault(&l.MaxZipEntries, d.MaxZipEntries)
	orDefault(&l.MaxEntryBytes, d.MaxEntryBytes)
	orDefault(&l.MaxTotalBytes, d.MaxTotalBytes)
	orDefault(&l.MaxRatio, d.MaxRatio)
	orDefault(&l.MaxAttachmentBytes, d.MaxAttachmentBytes)
	return l
}

// orDefault sets a limit that is zero or negative to its default.
func orDefault[T int | int64 | float64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// ImportOptions tune an import.
type ImportOptions struct {
	Limits Limits
	// Progress, if not nil, is called as the input is read (throttled) and
	// once at the end.
	Progress func(Progress)
	// Now stamps messages that carry no time; nil means time.Now.
	Now func() time.Time
	// Attachments stores the files an import carries: the images and
	// uploads of a ChatGPT export zip, the attachments of a Murmur export.
	// Nil leaves them out; a visible placeholder keeps each place and a
	// note says so. Each file is at most Limits.MaxAttachmentBytes.
	Attachments AttachmentStore
	// FindSource, if not nil, tells the import which conversations are
	// already here: it returns the conversation imported before from the
	// conversation id of service (conversation.SourceChatGPT, …), as
	// store.Store.FindSource does. Such conversations are skipped and
	// counted in Result.AlreadyImported.
	FindSource func(ctx context.Context, service, id string) (Existing, bool, error)
	// ReplaceNewer replaces a conversation already here (see FindSource)
	// when the export holds a newer version of it: the sink then receives
	// it with the id of the one it replaces, and its Item says Replaced.
	ReplaceNewer bool
}

// Existing is a conversation already here that an import found by its
// source.
type Existing struct {
	// ID is the conversation's id here.
	ID string
	// SourceUpdated is when the source had last changed it, as the export
	// it was imported from said (zero when unknown).
	SourceUpdated time.Time
}

// Progress reports how far an import got.
type Progress struct {
	// Done and Total are bytes of the input file.
	Done, Total int64
	// Imported and Skipped count conversations so far.
	Imported, Skipped int
}

// Item is one imported conversation.
type Item struct {
	// ID is the conversation's new id; Title its title.
	ID, Title string
	// Source says where it came from: the file (or zip entry) and its
	// position, for the user to recognise.
	Source string
	// Messages is the number of messages imported.
	Messages int
	// Notes tell what was changed or left out on the way (e.g. "3 tool
	// messages left out", "invalid UTF-8 replaced with U+FFFD").
	Notes []string
	// Replaced is set when the conversation replaced an older import of
	// itself (ImportOptions.ReplaceNewer).
	Replaced bool
}

// Skip is a conversation (or a zip entry) that was not imported.
type Skip struct {
	// Source names the file or zip entry.
	Source string
	// Index is the position in the source, from 1 (0 when the source holds
	// one conversation).
	Index int
	// Title is the conversation's title when it could be read.
	Title string
	// Reason says why, for a person.
	Reason string
}

// Result lists what an import did.
type Result struct {
	Kind     Kind
	Imported []Item
	Skipped  []Skip
	// MoreSkipped counts skipped items beyond the first MaxSkipsListed.
	MoreSkipped int
	// Ignored counts zip entries that are not conversations (images, HTML,
	// the index of an export) and were passed over.
	Ignored int
	// AlreadyImported counts conversations that were here already (same
	// source id, see ImportOptions.FindSource) and were not imported again.
	AlreadyImported int
	// Attachments counts the files handed to the attachment store.
	Attachments int
	// Notes are about the file as a whole (its encoding, files of the zip
	// that no conversation refers to).
	Notes []string
}

// Import reads conversations from r (size bytes, named name, e.g. the file
// name the user chose; used only in messages) and hands each one to sink.
// The kind of file is detected from its content: a Murmur JSON document, a
// zip of them, ChatGPT's conversations.json (or its export zip), an OpenAI
// messages array.
//
// Every conversation gets a new id (and its messages new ids), is checked
// with conversation.Validate, and is imported whole or not at all: what is
// not imported is listed in Result.Skipped with a reason. Provider ids,
// fields unknown to this version and anything besides conversation content
// are dropped. Invalid UTF-8 is replaced with U+FFFD and noted.
//
// An error is returned when the file as a whole cannot be read (too big, not
// a kind Import knows, broken beyond a point), when the sink fails, or when
// ctx is cancelled; the Result then holds what was imported before.
func Import(ctx context.Context, r io.ReaderAt, size int64, name string, sink Sink, opts ImportOptions) (Result, error) {
	im := &importer{
		ctx:          ctx,
		sink:         sink,
		lim:          opts.Limits.withDefaults(),
		prog:         opts.Progress,
		total:        size,
		now:          time.Now,
		store:        opts.Attachments,
		find:         opts.FindSource,
		replaceNewer: opts.ReplaceNewer,
		seen:         make(map[uint64]struct{}),
		seenSeed:     maphash.MakeSeed(),
		assetCache:   make(map[*zip.File]conversation.Attachment),
	}
	if opts.Now != nil {
		im.now = opts.Now
	}
	name = displayName(name)
	if name == "" {
		name = "the file"
	}
	err := im.run(r, size, name)
	if im.unshown > 0 {
		im.res.Notes = append(im.res.Notes, fmt.Sprintf("%d %s that ChatGPT does not show (hidden system messages, tool calls and their raw results) left out",
			im.unshown, plural(im.unshown, "message", "messages")))
	}
	if im.unshownTools > 0 {
		im.res.Notes = append(im.res.Notes, fmt.Sprintf("%d tool %s (searches, tool calls and their results, which Claude shows folded) left out",
			im.unshownTools, plural(im.unshownTools, "step", "steps")))
	}
	im.report(true)
	if err != nil {
		return im.res, fmt.Errorf("read %s: %w", name, err)
	}
	return im.res, nil
}

// importer holds the state of one Import call.
type importer struct {
	ctx   context.Context
	sink  Sink
	lim   Limits
	prog  func(Progress)
	now   func() time.Time
	res   Result
	total int64
	read  countingReaderAt

	lastReport  int64
	totalUnzip  int64
	stoppedFull bool

	store        AttachmentStore
	assets       *zipAssets // the files of the zip being imported (nil for a JSON file)
	assetCache   map[*zip.File]conversation.Attachment
	find         func(ctx context.Context, service, id string) (Existing, bool, error)
	replaceNewer bool
	// seen holds the sources imported by this import (hashed: an export
	// of 200,000 conversations must not keep 200,000 ids), pending those
	// of the conversation being built.
	seen     map[uint64]struct{}
	seenSeed maphash.Seed
	pending  []uint64

	gptScratch gptScratch
	// unshown counts the hidden and system messages and raw tool steps
	// left out of ChatGPT conversations (ChatGPT does not show them);
	// unshownTools the tool steps of Claude conversations.
	unshown, unshownTools int
}

// sourceHash names one conversation of one service. The seed is random per
// import, so a hostile export cannot make two sources collide.
func (im *importer) sourceHash(src *conversation.Source) uint64 {
	var h maphash.Hash
	h.SetSeed(im.seenSeed)
	h.WriteString(src.Service)
	h.WriteByte(0)
	h.WriteString(src.ID)
	return h.Sum64()
}

// fingerprint names a conversation that has no id by its bytes in the
// export: "sha256:" and 32 hex digits.
func fingerprint(val []byte) string {
	sum := sha256.Sum256(val)
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// built is one conversation made from the input, ready to validate and
// save.
type built struct {
	c     *conversation.Conversation
	notes []string
	// title is the title in the input, for a skip.
	title string
	// replaces is set when c takes the place of an older import of itself.
	replaces bool
}

// errAlreadyImported marks a conversation that is here already.
var errAlreadyImported = errors.New("already imported")

// checkKnown tells whether the conversation of the given sources (the
// first is the one it will carry) is here already: errAlreadyImported, or
// the id of the conversation it replaces (ReplaceNewer, when the source is
// newer), or "". A failing lookup stops the import.
func (im *importer) checkKnown(srcs ...*conversation.Source) (string, error) {
	im.pending = im.pending[:0]
	for _, src := range srcs {
		if src == nil {
			continue
		}
		k := im.sourceHash(src)
		if _, ok := im.seen[k]; ok {
			return "", errAlreadyImported
		}
		im.pending = append(im.pending, k)
	}
	if im.find == nil {
		return "", nil
	}
	for _, src := range srcs {
		if src == nil {
			continue
		}
		ex, ok, err := im.find(im.ctx, src.Service, src.ID)
		if err != nil {
			return "", &sinkError{fmt.Errorf("look up conversation %s of %s: %w", displayName(src.ID), src.Service, err)}
		}
		if !ok {
			continue
		}
		if im.replaceNewer && !src.UpdatedAt.IsZero() && !ex.SourceUpdated.IsZero() && src.UpdatedAt.After(ex.SourceUpdated) && conversation.ValidID(ex.ID) {
			return ex.ID, nil
		}
		return "", errAlreadyImported
	}
	return "", nil
}

// errStop ends an import quietly once MaxConversations is reached.
var errStop = errors.New("stop")

func (im *importer) run(r io.ReaderAt, size int64, name string) error {
	if size < 0 {
		return errors.New("the file size is unknown")
	}
	if size > im.lim.MaxFileBytes {
		return fmt.Errorf("the file is %s, more than the %s an import accepts", humanBytes(size), humanBytes(im.lim.MaxFileBytes))
	}
	if size == 0 {
		return errors.New("the file is empty")
	}
	im.read = countingReaderAt{r: r}
	var head [4]byte
	n, _ := im.read.ReadAt(head[:], 0)
	if n >= 4 && (bytes.Equal(head[:], []byte("PK\x03\x04")) || bytes.Equal(head[:], []byte("PK\x05\x06"))) {
		err := im.importZip(&im.read, size, name)
		if err == errStop {
			return nil
		}
		return err
	}
	kind, err := im.importStream(io.NewSectionReader(&im.read, 0, size), name)
	if im.res.Kind == "" {
		im.res.Kind = kind
	}
	if err == errStop {
		return nil
	}
	return err
}

// importStream imports one JSON file (top level or a zip entry) and
// returns the kind it found.
func (im *importer) importStream(r io.Reader, source string) (Kind, error) {
	r, wide := utf16Reader(r)
	if wide {
		im.res.Notes = append(im.res.Notes, source+" is UTF-16 text; it was read as such")
	}
	s := newJSONScanner(r, im.lim.MaxConversationBytes, im.lim.MaxDepth)
	c, err := s.peek()
	if err == io.EOF {
		return "", errors.New("it is empty")
	}
	if err != nil {
		return "", im.readError(err)
	}
	switch c {
	case '{':
		return im.importObject(s, source)
	case '[':
		return im.importArray(s, source)
	}
	return "", fmt.Errorf("it is not a conversation file Murmur knows (a Murmur JSON or zip, ChatGPT's or Claude's conversations.json, or an OpenAI messages array): it starts with %s", describeStart(s))
}

// describeStart quotes the first bytes of the input for an error message.
func describeStart(s *jsonScanner) string {
	b := s.buf[s.pos:min(s.end, s.pos+12)]
	if utf8.Valid(b) {
		return fmt.Sprintf("%q", string(b))
	}
	return fmt.Sprintf("bytes % x", b)
}

// importObject imports a file holding one JSON object: a Murmur document,
// an OpenAI request body with "messages", or a single ChatGPT conversation.
func (im *importer) importObject(s *jsonScanner, source string) (Kind, error) {
	val, problem, err := s.value()
	if err != nil {
		return "", im.readError(err)
	}
	if problem != "" {
		im.skip(Skip{Source: source, Reason: "not imported: " + problem})
		return "", nil
	}
	kind, err := classifyObject(val)
	var ue *unsupportedError
	if errors.As(err, &ue) {
		return "", err
	}
	if err != nil {
		im.skip(Skip{Source: source, Reason: "not imported: " + err.Error()})
		return "", nil
	}
	switch kind {
	case KindMurmur:
		return kind, im.add(source, 0, func() (built, error) { return im.fromMurmur(val) })
	case KindChatGPT:
		return kind, im.add(source, 0, func() (built, error) { return im.fromChatGPT(val) })
	case KindClaude:
		return kind, im.add(source, 0, func() (built, error) { return im.fromClaude(val) })
	default:
		return kind, im.add(source, 0, func() (built, error) { return im.fromOpenAIBody(val) })
	}
}

// importArray imports a top-level array: ChatGPT conversations or Murmur
// documents (one per element), or an OpenAI messages array (the whole
// array is one conversation). The first element decides.
func (im *importer) importArray(s *jsonScanner, source string) (Kind, error) {
	s.skipByte() // '['
	var kind Kind
	// Elements before the first one of a known kind are held back: when no
	// element is, and all fail for the same reason, the file gets that one
	// reason instead of a list of identical skips.
	var early earlySkips
	var openai []json.RawMessage
	var openaiBytes int64
	for i := 1; ; i++ {
		if err := im.ctx.Err(); err != nil {
			return kind, err
		}
		c, err := s.peek()
		if err != nil {
			return kind, im.readError(io.ErrUnexpectedEOF)
		}
		if c == ']' {
			s.skipByte()
			break
		}
		if i > 1 {
			if c != ',' {
				return kind, im.readError(fmt.Errorf("%w: expected , or ] after element %d, found %q", errNotJSON, i-1, c))
			}
			s.skipByte()
		}
		val, problem, err := s.value()
		if err != nil {
			return kind, im.readError(err)
		}
		if kind == "" {
			if problem != "" {
				early.add(Skip{Source: source, Index: i, Reason: "not imported: " + problem})
				continue
			}
			k, cerr := classifyElement(val)
			var ue *unsupportedError
			if errors.As(cerr, &ue) {
				return "", cerr
			}
			if cerr != nil {
				early.add(Skip{Source: source, Index: i, Reason: "not imported: " + cerr.Error()})
				continue
			}
			kind = k
			early.flush(im)
		}
		switch kind {
		case KindOpenAI:
			if problem != "" {
				return kind, fmt.Errorf("message %d: %s", i, problem)
			}
			openaiBytes += int64(len(val))
			if openaiBytes > im.lim.MaxConversationBytes {
				return kind, fmt.Errorf("the messages are more than the %s allowed for one conversation", humanBytes(im.lim.MaxConversationBytes))
			}
			openai = append(openai, val)
		case KindChatGPT, KindMurmur, KindClaude:
			if problem != "" {
				im.skip(Skip{Source: source, Index: i, Reason: "not imported: " + problem})
				continue
			}
			from := im.fromChatGPT
			switch kind {
			case KindMurmur:
				from = im.fromMurmur
			case KindClaude:
				from = im.fromClaude
			}
			if err := im.add(source, i, func() (built, error) { return from(val) }); err != nil {
				return kind, err
			}
		}
	}
	if kind == "" {
		if early.n > 1 && early.same {
			return kind, fmt.Errorf("none of its %d entries is a conversation: %s", early.n, strings.TrimPrefix(early.list[0].Reason, "not imported: "))
		}
		early.flush(im)
		if len(im.res.Skipped) == 0 {
			return kind, errors.New("it holds an empty list")
		}
	}
	if kind == KindOpenAI {
		return kind, im.add(source, 0, func() (built, error) { return im.fromOpenAI(openai, "") })
	}
	return kind, nil
}

// earlySkips holds the skips of a list before its kind is known.
type earlySkips struct {
	list []Skip
	n    int
	same bool
}

func (e *earlySkips) add(s Skip) {
	if e.n == 0 {
		e.same = true
	} else if s.Reason != e.list[0].Reason {
		e.same = false
	}
	e.n++
	if len(e.list) < MaxSkipsListed {
		e.list = append(e.list, s)
	}
}

func (e *earlySkips) flush(im *importer) {
	for _, s := range e.list {
		im.skip(s)
	}
	im.res.MoreSkipped += e.n - len(e.list)
	*e = earlySkips{}
}

// readError turns a scanner error into one a person understands.
func (im *importer) readError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the file ends too early (cut off, or not JSON); what came before it was imported")
	case errors.Is(err, errNotJSON):
		return fmt.Errorf("the file is not valid JSON from here on (%v); what came before it was imported", err)
	case errors.Is(err, errEntryTooBig), errors.Is(err, errTotalTooBig):
		return err
	case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrChecksum):
		return fmt.Errorf("%w (%v)", errEntryTooBig, err)
	}
	return fmt.Errorf("read: %w", err)
}

// add builds one conversation with build, validates it and hands it to the
// sink; a build or validation failure becomes a Skip.
func (im *importer) add(source string, index int, build func() (built, error)) error {
	if len(im.res.Imported) >= im.lim.MaxConversations {
		if !im.stoppedFull {
			im.stoppedFull = true
			im.skip(Skip{Source: source, Index: index, Reason: fmt.Sprintf("not imported: one import brings in at most %d conversations; import the rest separately", im.lim.MaxConversations)})
		}
		return errStop
	}
	im.pending = im.pending[:0]
	b, err := build()
	if err == nil {
		err = b.c.Validate()
	}
	var se *sinkError
	switch {
	case errors.Is(err, errAlreadyImported):
		im.res.AlreadyImported++
		im.report(false)
		return nil
	case errors.As(err, &se), im.ctx.Err() != nil:
		return err
	case err != nil:
		im.skip(Skip{Source: source, Index: index, Title: b.title, Reason: "not imported: " + oneLine(err.Error())})
		return nil
	}
	c := b.c
	if err := im.sink(im.ctx, c); err != nil {
		return &sinkError{fmt.Errorf("save conversation %q: %w", displayName(c.Title), err)}
	}
	for _, k := range im.pending {
		im.seen[k] = struct{}{}
	}
	src := source
	if index > 0 {
		src = fmt.Sprintf("%s #%d", source, index)
	}
	im.res.Imported = append(im.res.Imported, Item{ID: c.ID, Title: c.Title, Source: src, Messages: len(c.Messages), Notes: b.notes, Replaced: b.replaces})
	im.report(false)
	return nil
}

// MaxSkipsListed is how many skipped items a Result lists one by one; the
// rest are only counted, so that a file of a million bad entries cannot
// fill memory with reasons.
const MaxSkipsListed = 1000

func (im *importer) skip(s Skip) {
	if len(im.res.Skipped) >= MaxSkipsListed {
		im.res.MoreSkipped++
	} else {
		s.Title = displayName(s.Title)
		im.res.Skipped = append(im.res.Skipped, s)
	}
	im.report(false)
}

// report calls the progress callback, at most once per 0.5% of the input
// (or 64 KiB) unless final.
func (im *importer) report(final bool) {
	if im.prog == nil {
		return
	}
	done := min(im.read.n, im.total)
	if final {
		done = im.total
	}
	step := max(im.total/200, 64<<10)
	if !final && done-im.lastReport < step {
		return
	}
	im.lastReport = done
	im.prog(Progress{Done: done, Total: im.total, Imported: len(im.res.Imported), Skipped: len(im.res.Skipped) + im.res.MoreSkipped})
}

// countingReaderAt counts the bytes read through it, for progress.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// displayName makes a name from the input fit to show: one line, valid
// UTF-8, at most 120 bytes.
func displayName(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = oneLine(s)
	if len(s) > 120 {
		s = cutBytes(s, 120) + "…"
	}
	return s
}
