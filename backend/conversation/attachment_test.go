package conversation

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestAttachmentIDIsContentAddress(t *testing.T) {
	// sha256("hello") is a well-known value; the id must match it exactly.
	const want = "sha256-2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	if got := AttachmentID([]byte("hello")); got != want {
		t.Fatalf("AttachmentID(hello) = %q, want %q", got, want)
	}
	if AttachmentID([]byte("hello")) == AttachmentID([]byte("hello!")) {
		t.Fatal("different bytes got the same id")
	}
	if !ValidAttachmentID(AttachmentID(nil)) {
		t.Fatal("the id of empty data is not valid")
	}
}

func TestValidAttachmentID(t *testing.T) {
	good := AttachmentID([]byte("x"))
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{good, true},
		{"", false},
		{"sha256-", false},
		{strings.TrimPrefix(good, "sha256-"), false},
		{"SHA256-" + strings.TrimPrefix(good, "sha256-"), false},
		{strings.ToUpper(good[:20]) + good[20:], false},
		{"sha256-" + strings.ToUpper(strings.TrimPrefix(good, "sha256-")), false},
		{good[:len(good)-1], false},
		{good + "0", false},
		{good[:len(good)-1] + "g", false},
		{"sha256-../../../../etc/passwd" + strings.Repeat("0", 41), false},
		{"sha1-" + strings.Repeat("a", 40), false},
		{"md5-" + strings.Repeat("a", 64), false},
	} {
		if got := ValidAttachmentID(tc.id); got != tc.want {
			t.Errorf("ValidAttachmentID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func attachmentPart(a Attachment) Part { return Part{Type: PartAttachment, Attachment: &a} }

func TestAttachmentPartRoundTrip(t *testing.T) {
	id := AttachmentID([]byte("png bytes"))
	in := `[{"type":"text","text":"look"},{"type":"attachment","attachment":{"id":"` + id +
		`","name":"photo.png","mime":"image/png","size":12345}}]`
	var c Content
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	want := Attachment{ID: id, Name: "photo.png", MIME: "image/png", Size: 12345}
	got := c.Attachments()
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Attachments() = %+v, want [%+v]", got, want)
	}
	if err := c.validate(); err != nil {
		t.Fatalf("a valid attachment part was rejected: %v", err)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("marshalled\n%s\nwant\n%s", out, in)
	}
}

func TestAttachmentsInOrder(t *testing.T) {
	a := Attachment{ID: AttachmentID([]byte("a")), Name: "a.txt", MIME: "text/plain", Size: 1}
	b := Attachment{ID: AttachmentID([]byte("b")), Name: "b.pdf", MIME: "application/pdf", Size: 2}
	c := Content{Parts: []Part{attachmentPart(a), {Type: PartText, Text: "between"}, attachmentPart(b)}}
	got := c.Attachments()
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("Attachments() = %+v", got)
	}
	if got := TextContent("no parts").Attachments(); got != nil {
		t.Fatalf("plain text has attachments %+v", got)
	}
}

func TestPlainTextLeavesOutAttachments(t *testing.T) {
	a := Attachment{ID: AttachmentID([]byte("a")), Name: "secret-plan.pdf", MIME: "application/pdf", Size: 1}
	c := Content{Parts: []Part{{Type: PartText, Text: "first"}, attachmentPart(a), {Type: PartText, Text: "second"}}}
	if got := c.PlainText(); got != "first\n\nsecond" {
		t.Fatalf("PlainText() = %q", got)
	}
	conv := New(t0)
	conv.Append(Message{Role: RoleUser, Content: c, Status: StatusComplete, CreatedAt: t0})
	if txt := conv.Text(); strings.Contains(txt, "secret-plan") || strings.Contains(txt, a.ID) {
		t.Fatalf("the indexed text holds the attachment: %q", txt)
	}
}

func TestValidateAttachmentParts(t *testing.T) {
	good := Attachment{ID: AttachmentID([]byte("img")), Name: "photo.png", MIME: "image/png", Size: 12345}
	with := func(mut func(a *Attachment)) Content {
		a := good
		mut(&a)
		return Content{Parts: []Part{attachmentPart(a)}}
	}
	accepted := []struct {
		name string
		c    Content
	}{
		{"plain", with(func(*Attachment) {})},
		{"empty file", with(func(a *Attachment) { a.Size = 0; a.ID = AttachmentID(nil) })},
		{"unicode name", with(func(a *Attachment) { a.Name = "Résumé – 履歴書 👩‍💻.pdf" })},
		{"name of 255 bytes", with(func(a *Attachment) { a.Name = strings.Repeat("a", 251) + ".png" })},
		{"spaces and dots", with(func(a *Attachment) { a.Name = ".hidden file..txt" })},
		{"vendor mime", with(func(a *Attachment) {
			a.MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		})},
		{"mime with plus", with(func(a *Attachment) { a.MIME = "image/svg+xml" })},
		{"uppercase mime", with(func(a *Attachment) { a.MIME = "Image/PNG" })},
	}
	for _, tc := range accepted {
		if err := tc.c.validate(); err != nil {
			t.Errorf("%s: rejected: %v", tc.name, err)
		}
	}
	rejected := []struct {
		name, want string
		c          Content
	}{
		{"no attachment", "without an attachment", Content{Parts: []Part{{Type: PartAttachment}}}},
		{"empty id", "attachment id", with(func(a *Attachment) { a.ID = "" })},
		{"path as id", "attachment id", with(func(a *Attachment) { a.ID = "../../etc/passwd" })},
		{"uppercase id", "attachment id", with(func(a *Attachment) { a.ID = strings.ToUpper(a.ID) })},
		{"empty name", "no name", with(func(a *Attachment) { a.Name = "" })},
		{"long name", "longer than 255", with(func(a *Attachment) { a.Name = strings.Repeat("a", 252) + ".png" })},
		{"slash", "path separator", with(func(a *Attachment) { a.Name = "../photo.png" })},
		{"backslash", "path separator", with(func(a *Attachment) { a.Name = `..\photo.png` })},
		{"dot dot", "not a file name", with(func(a *Attachment) { a.Name = ".." })},
		{"NUL", "control character", with(func(a *Attachment) { a.Name = "photo\x00.png" })},
		{"newline", "control character", with(func(a *Attachment) { a.Name = "photo\n.png" })},
		{"DEL", "control character", with(func(a *Attachment) { a.Name = "photo\x7f.png" })},
		{"C1 control", "control character", with(func(a *Attachment) { a.Name = "photo\u0085.png" })},
		{"line separator", "control character", with(func(a *Attachment) { a.Name = "photo\u2028.png" })},
		{"right-to-left override", "control character", with(func(a *Attachment) { a.Name = "photo\u202egnp.exe" })},
		{"invalid UTF-8", "UTF-8", with(func(a *Attachment) { a.Name = "photo\xff.png" })},
		{"empty mime", "media type", with(func(a *Attachment) { a.MIME = "" })},
		{"mime without subtype", "media type", with(func(a *Attachment) { a.MIME = "image" })},
		{"mime empty subtype", "media type", with(func(a *Attachment) { a.MIME = "image/" })},
		{"mime two slashes", "media type", with(func(a *Attachment) { a.MIME = "image/png/x" })},
		{"mime with parameters", "media type", with(func(a *Attachment) { a.MIME = "text/plain; charset=utf-8" })},
		{"mime with space", "media type", with(func(a *Attachment) { a.MIME = "image/ png" })},
		{"mime with markup", "media type", with(func(a *Attachment) { a.MIME = `image/png"><script>` })},
		{"long mime", "media type", with(func(a *Attachment) { a.MIME = "application/" + strings.Repeat("x", 89) })},
		{"negative size", "negative size", with(func(a *Attachment) { a.Size = -1 })},
	}
	for _, tc := range rejected {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("validate() = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestValidateRejectsConversationWithBadAttachment(t *testing.T) {
	c := New(t0)
	bad := Attachment{ID: "sha256-nothex", Name: "a.png", MIME: "image/png", Size: 1}
	c.Append(Message{Role: RoleUser, Content: Content{Parts: []Part{attachmentPart(bad)}}, Status: StatusComplete, CreatedAt: t0})
	err := c.Validate()
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "attachment id") {
		t.Fatalf("Validate() = %v, want an ErrInvalid about the attachment id", err)
	}
}
