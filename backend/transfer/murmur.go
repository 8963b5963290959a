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
// returns a copy with new ids and nothing but conversation content; its
// attachments (embedded in the document, or beside it in the zip) go to
// the attachment store.
func (im *importer) fromMurmur(val []byte) (built, error) {
	var notes []string
	if !utf8.Valid(val) {
		notes = append(notes, noteInvalidUTF8)
	}
	var c conversation.Conversation
	if err := json.Unmarshal(val, &c); err != nil {
		return built{}, errors.New(jsonProblem(err))
	}
	b := built{title: c.Title}
	embedded, err := takeEmbedded(&c)
	if err != nil {
		notes = append(notes, err.Error())
	}
	if err := c.Validate(); err != nil {
		return b, err
	}
	// A conversation is the Murmur source of itself; one that came from
	// elsewhere keeps that origin.
	own := &conversation.Source{Service: conversation.SourceMurmur, ID: c.ID, UpdatedAt: c.UpdatedAt.UTC()}
	replaces, err := im.checkKnown(c.Source, own)
	if err != nil {
		return b, err
	}
	if c.Source == nil {
		c.Source = own
	}
	notes = append(notes, renew(&c)...)
	more, err := im.murmurAttachments(&c, embedded)
	if err != nil {
		return b, err
	}
	notes = append(notes, more...)
	if replaces != "" {
		c.ID = replaces
	}
	b.c, b.notes, b.replaces = &c, notes, replaces != ""
	return b, nil
}

// embeddedMember is the top-level member in which a one-conversation JSON
// export carries its attachments (a zip has them as attachments/<id>).
const embeddedMember = "attachments"

// embeddedAttachment is one attachment carried inside a JSON export.
type embeddedAttachment struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int64  `json:"size"`
	Data []byte `json:"data"` // base64 in JSON
}

// takeEmbedded removes the embedded attachments from c's unknown fields
// and returns them by id.
func takeEmbedded(c *conversation.Conversation) (map[string]embeddedAttachment, error) {
	raw, ok := c.Extra[embeddedMember]
	if !ok {
		return nil, nil
	}
	delete(c.Extra, embeddedMember)
	if len(c.Extra) == 0 {
		c.Extra = nil
	}
	var list []embeddedAttachment
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("the attachments carried in the file could not be read (%s)", jsonProblem(err))
	}
	out := make(map[string]embeddedAttachment, len(list))
	for _, a := range list {
		out[a.ID] = a
	}
	return out, nil
}

// murmurAttachments stores the attachments c refers to and points the
// parts at what the store returned; one whose bytes are not in the export,
// do not match its id, or cannot be stored becomes a visible placeholder.
func (im *importer) murmurAttachments(c *conversation.Conversation, embedded map[string]embeddedAttachment) ([]string, error) {
	type outcome struct {
		a   conversation.Attachment
		res assetResult
	}
	done := make(map[string]outcome)
	missing, notStored, damaged := 0, 0, 0
	for i := range c.Messages {
		parts := c.Messages[i].Content.Parts
		for j := range parts {
			p := &parts[j]
			if p.Type != conversation.PartAttachment || p.Attachment == nil {
				continue
			}
			ref := *p.Attachment
			o, ok := done[ref.ID]
			if !ok {
				o = outcome{res: assetMissing}
				var data []byte
				found := false
				if e, ok := embedded[ref.ID]; ok {
					data, found = e.Data, true
				} else if f := im.assets.find(ref.ID); f != nil && im.store != nil {
					a, res, _, err := im.importAsset(f, ref.Name, ref.MIME)
					if err != nil {
						return nil, err
					}
					if res == assetImported && a.ID != ref.ID {
						damaged++
						res = assetNotStored
					}
					o = outcome{a: a, res: res}
				} else if f != nil {
					o.res = assetNotStored
				}
				if found {
					switch {
					case conversation.AttachmentID(data) != ref.ID:
						damaged++
						o.res = assetNotStored
					case im.store == nil || int64(len(data)) > im.lim.MaxAttachmentBytes:
						o.res = assetNotStored
					default:
						a, err := im.putAttachment(ref.Name, ref.MIME, data)
						if err != nil {
							return nil, err
						}
						o = outcome{a: a, res: assetImported}
					}
				}
				done[ref.ID] = o
				switch o.res {
				case assetMissing:
					missing++
				case assetNotStored:
					notStored++
				}
			}
			switch o.res {
			case assetImported:
				a := o.a
				p.Attachment = &a
			case assetMissing:
				*p = conversation.Part{Type: conversation.PartText, Text: placeholder("attachment", ref.Name, false)}
			default:
				*p = conversation.Part{Type: conversation.PartText, Text: placeholder("attachment", ref.Name, true)}
			}
		}
	}
	var notes []string
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d %s not included in the export; a placeholder keeps each place", missing, plural(missing, "attachment is", "attachments are")))
	}
	if notStored > 0 {
		why := "no place to store attachments"
		if im.store != nil {
			why = fmt.Sprintf("damaged or larger than %s", humanBytes(im.lim.MaxAttachmentBytes))
		}
		if damaged > 0 && damaged == notStored {
			why = "their bytes do not match their ids"
		}
		notes = append(notes, fmt.Sprintf("%d %s in the export not imported (%s); a placeholder keeps each place", notStored, plural(notStored, "attachment", "attachments"), why))
	}
	return notes, nil
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
