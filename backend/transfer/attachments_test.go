package transfer

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

// withAttachments returns a conversation whose prompt carries an image and
// a PDF, both in the returned store.
func withAttachments(t *testing.T, n int, title string) (*conversation.Conversation, *fakeAttachments) {
	t.Helper()
	atts := newFakeAttachments()
	img, err := atts.PutAttachment(context.Background(), "photo.png", "image/png", pngBytes)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := atts.PutAttachment(context.Background(), "report.pdf", "application/pdf", []byte("%PDF-1.4 "+title))
	if err != nil {
		t.Fatal(err)
	}
	c := simpleConv(n, title)
	c.Messages[0].Content = conversation.Content{Parts: []conversation.Part{
		{Type: conversation.PartText, Text: "Look at these"},
		{Type: conversation.PartAttachment, Attachment: &img},
		{Type: conversation.PartAttachment, Attachment: &pdf},
	}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c, atts
}

func TestJSONExportCarriesAttachmentsBack(t *testing.T) {
	ctx := context.Background()
	c, atts := withAttachments(t, 60, "with files")
	var buf bytes.Buffer
	if err := Export(ctx, &buf, c, FormatJSON, Options{Attachments: atts, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"attachments": [`) || !strings.Contains(buf.String(), base64.StdEncoding.EncodeToString(pngBytes)) {
		t.Fatalf("the JSON export does not carry the image:\n%s", buf.String()[:min(buf.Len(), 800)])
	}
	dst := newFakeAttachments()
	res, st, err := importBytes(t, buf.Bytes(), "one.json", ImportOptions{Attachments: dst})
	if err != nil || len(st.order) != 1 {
		t.Fatalf("import: %v", err)
	}
	got := attachmentsOf(st.convs[st.order[0]])
	want := attachmentsOf(c)
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("attachments after the round trip = %+v, want %+v", got, want)
	}
	for _, a := range want {
		if !bytes.Equal(dst.data[a.ID], atts.data[a.ID]) {
			t.Errorf("%s: bytes differ after the round trip", a.Name)
		}
	}
	if res.Attachments != 2 || len(res.Imported[0].Notes) != 0 {
		t.Errorf("attachments %d, notes %q", res.Attachments, res.Imported[0].Notes)
	}

	// Without a store they keep their place, visibly, with a note.
	res, st, err = importBytes(t, buf.Bytes(), "one.json", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.convs[st.order[0]].Messages[0].Content.PlainText(); got != "Look at these\n\n[attachment not imported: photo.png]\n\n[attachment not imported: report.pdf]" {
		t.Errorf("without a store: %q", got)
	}
	if n := strings.Join(res.Imported[0].Notes, ";"); !strings.Contains(n, "2 attachments in the export not imported (no place to store attachments)") {
		t.Errorf("notes = %q", n)
	}
}

func TestJSONExportWithoutTheFileFails(t *testing.T) {
	c, _ := withAttachments(t, 61, "lost")
	err := Export(context.Background(), &bytes.Buffer{}, c, FormatJSON, Options{Attachments: newFakeAttachments()})
	if err == nil || !strings.Contains(err.Error(), `read attachment "photo.png": no such attachment`) {
		t.Fatalf("err = %v, want the missing attachment named", err)
	}
}

func TestImportRefusesAttachmentsThatDoNotMatchTheirID(t *testing.T) {
	c, atts := withAttachments(t, 62, "tampered")
	var buf bytes.Buffer
	if err := Export(context.Background(), &buf, c, FormatJSON, Options{Attachments: atts}); err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(buf.Bytes(), []byte(base64.StdEncoding.EncodeToString(pngBytes)), []byte(base64.StdEncoding.EncodeToString([]byte("not the image"))), 1)
	dst := newFakeAttachments()
	res, st, err := importBytes(t, tampered, "t.json", ImportOptions{Attachments: dst})
	if err != nil {
		t.Fatal(err)
	}
	text := st.convs[st.order[0]].Messages[0].Content.PlainText()
	if !strings.Contains(text, "[attachment not imported: photo.png]") || len(dst.data) != 1 {
		t.Errorf("a tampered attachment was stored: %q, %d stored", text, len(dst.data))
	}
	if n := strings.Join(res.Imported[0].Notes, ";"); !strings.Contains(n, "do not match their ids") {
		t.Errorf("notes = %q", n)
	}
}

func TestZipExportWritesEachAttachmentOnceAndImportsThemBack(t *testing.T) {
	ctx := context.Background()
	a, atts := withAttachments(t, 63, "first")
	b := simpleConv(64, "second")
	img := a.Messages[0].Content.Parts[1]
	b.Messages[1].Content = conversation.Content{Parts: []conversation.Part{{Type: conversation.PartText, Text: "Same picture"}, img}}
	src := newFakeStore(a, b)
	for _, f := range Formats() {
		var buf bytes.Buffer
		res, err := ExportZip(ctx, &buf, src.order, src.load, f, Options{Attachments: atts, Now: fixedNow}, nil)
		if err != nil || len(res.Failed) != 0 {
			t.Fatalf("%s: %v %+v", f, err, res.Failed)
		}
		files := readZip(t, buf.Bytes())
		for _, x := range attachmentsOf(a) {
			if got := files["attachments/"+x.ID]; got != string(atts.data[x.ID]) {
				t.Errorf("%s: attachments/%s holds %d bytes", f, x.ID, len(got))
			}
			if n := strings.Count(files["\x00order"], x.ID); n != 1 {
				t.Errorf("%s: %s written %d times", f, x.Name, n)
			}
		}
		if f == FormatMarkdown && !strings.Contains(files["first.md"], "📎 [photo.png (image/png, 70 bytes)](attachments/"+img.Attachment.ID+")") {
			t.Errorf("markdown in the zip does not link the attachment:\n%s", files["first.md"])
		}
	}
	var buf bytes.Buffer
	if _, err := ExportZip(ctx, &buf, src.order, src.load, FormatJSON, Options{Attachments: atts, Now: fixedNow}, nil); err != nil {
		t.Fatal(err)
	}
	dst := newFakeAttachments()
	res, st, err := importBytes(t, buf.Bytes(), "backup.zip", ImportOptions{Attachments: dst})
	if err != nil || len(st.order) != 2 {
		t.Fatalf("import: %v", err)
	}
	if res.Ignored != 1 { // the index
		t.Errorf("ignored %d entries; attachments taken count as used", res.Ignored)
	}
	for _, id := range st.order {
		for _, x := range attachmentsOf(st.convs[id]) {
			if !bytes.Equal(dst.data[x.ID], atts.data[x.ID]) {
				t.Errorf("%s did not come back", x.Name)
			}
		}
	}
}

func TestZipExportListsAnUnreadableAttachment(t *testing.T) {
	c, _ := withAttachments(t, 65, "missing files")
	src := newFakeStore(c)
	var buf bytes.Buffer
	res, err := ExportZip(context.Background(), &buf, src.order, src.load, FormatJSON, Options{Attachments: newFakeAttachments(), Now: fixedNow}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 2 || !strings.Contains(res.Failed[0].Reason, `"photo.png"`) || res.Files[c.ID] == "" {
		t.Fatalf("failed %+v, files %v", res.Failed, res.Files)
	}
}

func TestReadableExportsShowAttachments(t *testing.T) {
	c, atts := withAttachments(t, 66, "shown")
	var h bytes.Buffer
	if err := Export(context.Background(), &h, c, FormatHTML, Options{Attachments: atts, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.String(), `<img src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(pngBytes)+`" alt="photo.png">`) {
		t.Error("the HTML export does not show the attached image inline")
	}
	if !strings.Contains(h.String(), `📎 report.pdf (application/pdf, 14 bytes)`) {
		t.Error("the HTML export does not name the attached PDF")
	}
	// Without the file the image is named, not lost or linked.
	var h2 bytes.Buffer
	if err := Export(context.Background(), &h2, c, FormatHTML, Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h2.String(), "📎 photo.png (image/png, 70 bytes)") || strings.Contains(h2.String(), "attachments/") {
		t.Error("without an attachment source the HTML export does not name the image")
	}
	for f, want := range map[Format]string{
		FormatMarkdown: "📎 photo.png (image/png, 70 bytes)",
		FormatText:     "[attachment: photo.png (image/png, 70 bytes)]",
	} {
		var b bytes.Buffer
		if err := Export(context.Background(), &b, c, f, Options{Attachments: atts, Now: fixedNow}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s export lacks %q:\n%s", f, want, b.String())
		}
	}
	var o bytes.Buffer
	if err := Export(context.Background(), &o, c, FormatOpenAI, Options{Attachments: atts, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.String(), `"url": "data:image/png;base64,`) || !strings.Contains(o.String(), "[attachment: report.pdf") || strings.Contains(o.String(), `"attachment"`) {
		t.Errorf("the OpenAI export is not sendable:\n%s", o.String())
	}
}

func TestImportAttachmentLimitsAndStoreFailures(t *testing.T) {
	data, name := fixtureBytes(t, "chatgpt/export-2026-01")
	res, st, err := importBytes(t, data, name, ImportOptions{Attachments: newFakeAttachments(), Limits: Limits{MaxAttachmentBytes: 30}})
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, id := range st.order {
		all += st.convs[id].Text()
	}
	if !strings.Contains(all, "[image not imported]") || strings.Contains(all, "[file not imported: report.pdf]") {
		t.Errorf("files over the limit are not placeholders:\n%s", all)
	}
	notes := strings.Join(res.Imported[1].Notes, ";")
	if !strings.Contains(notes, "larger than the 30 bytes allowed for one file") {
		t.Errorf("notes = %q", notes)
	}
	full := newFakeAttachments()
	full.fail = errors.New("disk full")
	_, st, err = importBytes(t, data, name, ImportOptions{Attachments: full})
	if !errors.Is(err, full.fail) || !strings.Contains(err.Error(), `save attachment "image.webp"`) || len(st.order) != 0 {
		t.Errorf("a failing attachment store: err %v, %d imported", err, len(st.order))
	}
}
