package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"murmur/backend/conversation"
)

const noteInvalidUTF8 = "invalid UTF-8 was replaced with U+FFFD (�)"

// fromMurmur reads one Murmur conversation document, validates it, and
// returns a copy with new ids and nothing but conversation content.
func (im *importer) fromMurmur(val []byte) (*conversation.Conversation, []string, string, error) {
	var notes []string
	if !utf8.Valid(val) {
		notes = append(notes, noteInvalidUTF8)
	}
	var c conversation.Conversation
	if err := json.Unmarshal(val, &c); err != nil {
		return nil, nil, "", errors.New(jsonProblem(err))
	}
	title := c.Title
	if err := c.Validate(); err != nil {
		return nil, nil, title, err
	}
	notes = append(notes, renew(&c)...)
	return &c, notes, title, nil
}

// renew gives c and its messages new ids (keeping the tree), drops what an
// import must not carry (the provider id, unknown fields) and marks
// messages that were still streaming as interrupted. It returns notes on
// what it changed.
func renew(c *conversation.Conversation) []string {
	var notes []string
	ids := make(map[string]string, len(c.Messages))
	for i := range c.Messages {
		ids[c.Messages[i].ID] = conversation.NewID()
	}
	dropped := make(map[string]bool)
	for k := range c.Extra {
		dropped[k] = true
	}
	streaming := 0
	for i := range c.Messages {
		m := &c.Messages[i]
		m.ID = ids[m.ID]
		if m.ParentID != "" {
			m.ParentID = ids[m.ParentID]
		}
		for k := range m.Extra {
			dropped[k] = true
		}
		m.Extra = nil
		if m.Status == conversation.StatusStreaming {
			m.Status = conversation.StatusInterrupted
			streaming++
		}
	}
	if c.CurrentID != "" {
		c.CurrentID = ids[c.CurrentID]
	}
	c.ID = conversation.NewID()
	c.ProviderID = ""
	c.Extra = nil
	c.Title = oneLine(c.Title)
	if streaming > 0 {
		notes = append(notes, fmt.Sprintf("%d %s still being written when exported; marked interrupted", streaming, plural(streaming, "reply was", "replies were")))
	}
	if len(dropped) > 0 {
		names := make([]string, 0, len(dropped))
		for k := range dropped {
			names = append(names, fmt.Sprintf("%q", displayName(cutBytes(k, 40))))
		}
		sort.Strings(names)
		if len(names) > 5 {
			names = append(names[:5], "…")
		}
		notes = append(notes, "fields this version of Murmur does not know were left out: "+strings.Join(names, ", "))
	}
	return notes
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
