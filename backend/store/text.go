package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"murmur/backend/conversation"
)

// maxSearchTerms bounds the words taken from one query.
const maxSearchTerms = 16

// isWordRune reports whether r belongs to a word (as SQLite's unicode61
// tokenizer sees it, less private-use characters).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// fold lowercases s and removes diacritics, as the index does.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// searchTerms splits what the user typed into folded words. Everything that
// is not a letter or digit separates words, so quotes, operators and
// brackets are never passed on as syntax.
func searchTerms(text string) []string {
	var terms []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) }) {
		w = fold(w)
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		terms = append(terms, w)
		if len(terms) == maxSearchTerms {
			break
		}
	}
	return terms
}

// ftsQuery turns user text into an FTS5 query that cannot be a syntax
// error: every word is a quoted string with a prefix star, all required.
func ftsQuery(text string) string {
	terms := searchTerms(text)
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " ")
}

func appendSegment(segs []Segment, text string, match bool) []Segment {
	if text == "" {
		return segs
	}
	if n := len(segs); n > 0 && segs[n-1].Match == match {
		segs[n-1].Text += text
		return segs
	}
	return append(segs, Segment{Text: text, Match: match})
}

// word is one word of a text with its byte range.
type word struct{ start, end int }

func words(s string) []word {
	var ws []word
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			ws = append(ws, word{start, i})
			start = -1
		}
	}
	if start >= 0 {
		ws = append(ws, word{start, len(s)})
	}
	return ws
}

// matcher is the file-scan counterpart of the FTS query: every term must be
// the prefix of some word of the text. It also cuts snippets.
type matcher struct{ terms []string }

// match reports whether text matches and, if so, its snippet.
func (m matcher) match(text string) (bool, []Segment) {
	// Cheap rejection first: every term must occur somewhere.
	folded := fold(text)
	for _, t := range m.terms {
		if !strings.Contains(folded, t) {
			return false, nil
		}
	}
	ws, isMatch, all, first := m.scan(text)
	if !all {
		return false, nil
	}
	return true, cut(text, ws, isMatch, first)
}

// snippet returns about snippetWords words of text around the first word
// that matches a term, with every matching word marked.
func (m matcher) snippet(text string) []Segment {
	ws, isMatch, _, first := m.scan(text)
	return cut(text, ws, isMatch, max(first, 0))
}

// scan splits text into words and marks those that start with a term.
func (m matcher) scan(text string) (ws []word, isMatch []bool, all bool, first int) {
	ws = words(text)
	found := make([]bool, len(m.terms))
	isMatch = make([]bool, len(ws))
	first, left := -1, len(m.terms)
	for i, w := range ws {
		f := fold(text[w.start:w.end])
		for j, t := range m.terms {
			if strings.HasPrefix(f, t) {
				isMatch[i] = true
				if !found[j] {
					found[j] = true
					left--
				}
			}
		}
		if isMatch[i] && first < 0 {
			first = i
		}
	}
	return ws, isMatch, left == 0, first
}

// cut makes the snippet segments of the window of words around first.
func cut(text string, ws []word, isMatch []bool, first int) []Segment {
	if len(ws) == 0 {
		return appendSegment(nil, previewOf(text), false)
	}
	from := max(0, first-snippetWords/4)
	to := min(len(ws), from+snippetWords)
	var segs []Segment
	if from > 0 {
		segs = appendSegment(segs, "…", false)
	} else {
		segs = appendSegment(segs, text[:ws[0].start], false)
	}
	for i := from; i < to; i++ {
		if i > from {
			segs = appendSegment(segs, text[ws[i-1].end:ws[i].start], false)
		}
		segs = appendSegment(segs, text[ws[i].start:ws[i].end], isMatch[i])
	}
	if to < len(ws) {
		segs = appendSegment(segs, "…", false)
	} else {
		segs = appendSegment(segs, text[ws[len(ws)-1].end:], false)
	}
	return segs
}

// snippetWords is the length of a snippet in words.
const snippetWords = 16

// summarize computes the list row of a conversation.
func summarize(c *conversation.Conversation) Summary {
	path := currentPath(c)
	preview := ""
	if len(path) > 0 {
		preview = previewOf(c.Messages[path[len(path)-1]].Content.PlainText())
	}
	return Summary{
		ID:           c.ID,
		Title:        c.Title,
		CreatedAt:    c.CreatedAt.UTC(),
		UpdatedAt:    c.UpdatedAt.UTC(),
		Pinned:       c.Pinned,
		Archived:     c.Archived,
		ProviderID:   c.ProviderID,
		Model:        c.Model,
		MessageCount: len(path),
		Preview:      preview,
	}
}

const previewRunes = 160

func previewOf(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	n := 0
	for i := range s {
		if n == previewRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// currentPath returns the indexes of the messages from the root to the
// current leaf, in linear time (the document was validated: no cycles).
func currentPath(c *conversation.Conversation) []int {
	if len(c.Messages) == 0 {
		return nil
	}
	pos := make(map[string]int, len(c.Messages))
	lastChild := make(map[string]int, len(c.Messages))
	for i := range c.Messages {
		pos[c.Messages[i].ID] = i
		lastChild[c.Messages[i].ParentID] = i
	}
	leaf, ok := pos[c.CurrentID]
	if !ok {
		// Follow the most recently added child from the roots down.
		leaf = -1
		for p, seen := "", 0; seen <= len(c.Messages); seen++ {
			i, ok := lastChild[p]
			if !ok {
				break
			}
			leaf, p = i, c.Messages[i].ID
		}
		if leaf < 0 {
			return nil
		}
	}
	var rev []int
	for i, n := leaf, 0; n <= len(c.Messages); n++ {
		rev = append(rev, i)
		p := c.Messages[i].ParentID
		if p == "" {
			break
		}
		j, ok := pos[p]
		if !ok {
			break
		}
		i = j
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
