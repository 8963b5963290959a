package transfer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

// fakeAttachments is the attachment store of the tests: files by id.
type fakeAttachments struct {
	data  map[string][]byte
	names map[string]string
	puts  int
	fail  error
}

func newFakeAttachments() *fakeAttachments {
	return &fakeAttachments{data: make(map[string][]byte), names: make(map[string]string)}
}

func (f *fakeAttachments) PutAttachment(_ context.Context, name, mime string, data []byte) (conversation.Attachment, error) {
	if f.fail != nil {
		return conversation.Attachment{}, f.fail
	}
	a := conversation.Attachment{ID: conversation.AttachmentID(data), Name: name, MIME: mime, Size: int64(len(data))}
	if err := conversation.ValidAttachmentName(name); err != nil {
		return conversation.Attachment{}, fmt.Errorf("the import passed a bad name: %w", err)
	}
	if !conversation.ValidMIME(mime) {
		return conversation.Attachment{}, fmt.Errorf("the import passed a bad media type %q", mime)
	}
	f.data[a.ID] = append([]byte(nil), data...)
	f.names[a.ID] = name
	f.puts++
	return a, nil
}

func (f *fakeAttachments) Attachment(_ context.Context, id string) ([]byte, error) {
	d, ok := f.data[id]
	if !ok {
		return nil, errors.New("no such attachment")
	}
	return d, nil
}

// attachmentsOf lists the attachments of every message of c.
func attachmentsOf(c *conversation.Conversation) []conversation.Attachment {
	var out []conversation.Attachment
	for _, m := range c.Messages {
		out = append(out, m.Content.Attachments()...)
	}
	return out
}

// renderImport writes what an import did in a stable, readable form for
// golden files: the result's counts and notes, then each conversation as a
// tree (ids replaced by numbers; "*" marks the current branch).
func renderImport(t testing.TB, res Result, st *fakeStore) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "summary: %s\n", res.Summary("FILE"))
	for _, d := range res.Details() {
		fmt.Fprintf(&b, "detail: %s\n", d)
	}
	for _, id := range st.order {
		b.WriteString("\n")
		renderConversation(&b, st.convs[id])
	}
	return b.String()
}

func renderConversation(b *strings.Builder, c *conversation.Conversation) {
	fmt.Fprintf(b, "# %s\n", c.Title)
	fmt.Fprintf(b, "created %s, updated %s", c.CreatedAt.Format("2006-01-02 15:04:05.000"), c.UpdatedAt.Format("2006-01-02 15:04:05.000"))
	if c.Archived {
		b.WriteString(", archived")
	}
	if c.Model != "" {
		fmt.Fprintf(b, ", model %q", c.Model)
	}
	if c.Source != nil {
		fmt.Fprintf(b, ", source %s:%s", c.Source.Service, c.Source.ID)
		if !c.Source.UpdatedAt.IsZero() {
			fmt.Fprintf(b, " (updated %s)", c.Source.UpdatedAt.Format("2006-01-02 15:04:05.000"))
		}
	}
	b.WriteString("\n")
	onPath := make(map[string]bool)
	for _, m := range c.Path() {
		onPath[m.ID] = true
	}
	num := make(map[string]int)
	for i, m := range c.Messages {
		num[m.ID] = i + 1
	}
	kids := make(map[string][]conversation.Message)
	for _, m := range c.Messages {
		kids[m.ParentID] = append(kids[m.ParentID], m)
	}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, m := range kids[parent] {
			ind := strings.Repeat("  ", depth)
			mark := " "
			if onPath[m.ID] {
				mark = "*"
			}
			fmt.Fprintf(b, "%s%s[%d] %s %s", ind, mark, num[m.ID], m.Role, m.CreatedAt.Format("2006-01-02 15:04:05"))
			if m.Model != "" {
				fmt.Fprintf(b, " model=%s", m.Model)
			}
			if m.Status != conversation.StatusComplete {
				fmt.Fprintf(b, " status=%s", m.Status)
			}
			b.WriteString("\n")
			if m.Reasoning != "" {
				fmt.Fprintf(b, "%s    reasoning:\n%s", ind, indentLines(m.Reasoning, ind+"      "))
			}
			if m.Content.Parts == nil {
				b.WriteString(indentLines(m.Content.Text, ind+"    "))
			} else {
				for _, p := range m.Content.Parts {
					switch p.Type {
					case conversation.PartText:
						b.WriteString(indentLines(p.Text, ind+"    "))
					case conversation.PartAttachment:
						a := p.Attachment
						fmt.Fprintf(b, "%s    📎 %s %s %d bytes %s…\n", ind, a.Name, a.MIME, a.Size, a.ID[:15])
					case conversation.PartImageURL:
						fmt.Fprintf(b, "%s    image %s\n", ind, p.ImageURL.URL)
					}
				}
			}
			walk(m.ID, depth+1)
		}
	}
	walk("", 0)
}

func indentLines(s, ind string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(strings.TrimRight(ind+l, " ") + "\n")
	}
	return b.String()
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
