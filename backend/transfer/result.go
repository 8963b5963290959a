package transfer

import (
	"fmt"
	"strconv"
	"strings"
)

// kindNames are the names a person knows the kinds of file by.
var kindNames = map[Kind]string{
	KindMurmur:    "Murmur export",
	KindMurmurZip: "Murmur export zip",
	KindChatGPT:   "ChatGPT export",
	KindClaude:    "Claude export",
	KindOpenAI:    "OpenAI messages",
	KindZip:       "zip",
}

// count is "1 conversation" or "3 conversations".
func count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
}

// Summary is the one line to show for the import of file (a name to show,
// e.g. the file the user chose): the kind of file found and what came of
// it, e.g. "conversations.json (ChatGPT export): 190 conversations
// imported, 2 skipped, already imported: 192; 14 with notes".
func (r Result) Summary(file string) string {
	file = displayName(file)
	if file == "" {
		file = "the file"
	}
	var b strings.Builder
	b.WriteString(file)
	if name := kindNames[r.Kind]; name != "" {
		b.WriteString(" (" + name + ")")
	}
	b.WriteString(": ")
	replaced := 0
	withNotes := 0
	for _, it := range r.Imported {
		if it.Replaced {
			replaced++
		}
		if len(it.Notes) > 0 {
			withNotes++
		}
	}
	parts := []string{count(len(r.Imported)-replaced, "conversation", "conversations") + " imported"}
	if replaced > 0 {
		parts = append(parts, count(replaced, "older import", "older imports")+" replaced")
	}
	if n := len(r.Skipped) + r.MoreSkipped; n > 0 {
		parts = append(parts, strconv.Itoa(n)+" skipped")
	}
	if r.AlreadyImported > 0 {
		parts = append(parts, "already imported: "+strconv.Itoa(r.AlreadyImported))
	}
	if r.Attachments > 0 {
		parts = append(parts, count(r.Attachments, "attachment", "attachments"))
	}
	b.WriteString(strings.Join(parts, ", "))
	var tail []string
	if withNotes > 0 {
		tail = append(tail, strconv.Itoa(withNotes)+" with notes")
	}
	if len(r.Notes) > 0 {
		tail = append(tail, count(len(r.Notes), "note", "notes")+" on the file")
	}
	if len(tail) > 0 {
		b.WriteString("; " + strings.Join(tail, ", "))
	}
	return b.String()
}

// Details lists, one line each, what the Summary only counts: the notes on
// the file, each imported conversation that has notes (with them), each
// skipped item with its reason, and how many more were skipped than
// listed. Every line is one line of valid UTF-8 text.
func (r Result) Details() []string {
	var out []string
	for _, n := range r.Notes {
		out = append(out, "note: "+oneLine(n))
	}
	for _, it := range r.Imported {
		if len(it.Notes) == 0 && !it.Replaced {
			continue
		}
		notes := make([]string, 0, len(it.Notes)+1)
		if it.Replaced {
			notes = append(notes, "replaced its older import")
		}
		for _, n := range it.Notes {
			notes = append(notes, oneLine(n))
		}
		out = append(out, fmt.Sprintf("imported %q (%s): %s", displayName(it.Title), displayName(it.Source), strings.Join(notes, "; ")))
	}
	for _, s := range r.Skipped {
		where := displayName(s.Source)
		if s.Index > 0 {
			where += " #" + strconv.Itoa(s.Index)
		}
		if s.Title != "" {
			where += fmt.Sprintf(" %q", displayName(s.Title))
		}
		out = append(out, "skipped "+where+": "+strings.TrimPrefix(oneLine(s.Reason), "not imported: "))
	}
	if r.MoreSkipped > 0 {
		out = append(out, fmt.Sprintf("… and %d more %s skipped (not listed)", r.MoreSkipped, plural(r.MoreSkipped, "item", "items")))
	}
	return out
}
