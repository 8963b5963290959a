//go:build !js

package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"murmur/backend/view"
)

var pixelPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

func TestAttachmentsFromThePageAndTheDialog(t *testing.T) {
	e := newAppEnv(t)
	e.app.SetKey("fake", "sk-fake-key-0123456789")
	// A pasted image: the page sends its bytes.
	img, err := e.app.AddAttachment("pasted.png", base64.StdEncoding.EncodeToString(pixelPNG))
	if err != nil || img.Kind != "image" || img.MIME != "image/png" {
		t.Fatalf("pasted image: %+v %v", img, err)
	}
	// A file from the dialog.
	e.shell.attach = map[string][]byte{"notes.md": []byte("# Notes\n")}
	files, err := e.app.AttachFiles()
	if err != nil || len(files) != 1 || files[0].Kind != "text" || files[0].MIME != "text/markdown" {
		t.Fatalf("attached files %+v %v", files, err)
	}
	// An image alone, with no text, is a prompt.
	s, err := e.app.Send("", "", []view.Attachment{img, files[0]})
	if err != nil {
		t.Fatal(err)
	}
	e.waitDone(t, s)
	v, _ := e.app.GetConversation(s.ConversationID)
	u := v.Messages[0]
	if len(u.Attachments) != 2 || u.Attachments[0].Name != "pasted.png" || u.Attachments[1].Kind != "text" {
		t.Fatalf("the prompt's attachments %+v", u.Attachments)
	}
	if v.Title != "pasted.png" {
		t.Errorf("title of an image-only prompt %q", v.Title)
	}
	d, err := e.app.AttachmentData(img.ID)
	if err != nil || d.MIME != "image/png" || d.Data != base64.StdEncoding.EncodeToString(pixelPNG) {
		t.Fatalf("preview data %+v %v", d.MIME, err)
	}
}

func TestAttachmentsThatCannotGoAreRefusedInWords(t *testing.T) {
	e := newAppEnv(t)
	for name, tc := range map[string]struct {
		file string
		data []byte
		want string
	}{
		"pdf":      {"paper.pdf", []byte("%PDF-1.7\n"), "PDF is not supported yet"},
		"binary":   {"tool.exe", []byte{'M', 'Z', 0, 0, 0xff}, "not a text file or an image"},
		"a path":   {"../../x.txt", []byte("x"), "path separator"},
		"svg lies": {"logo.png", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), ""},
	} {
		a, err := e.app.AddAttachment(tc.file, base64.StdEncoding.EncodeToString(tc.data))
		if tc.want == "" {
			// An SVG named .png is kept as text, never shown as an image.
			if err != nil || a.Kind != "text" {
				t.Errorf("%s: %+v %v, want kept as text", name, a, err)
			}
			continue
		}
		ve := viewErr(t, err)
		if ve.Kind != view.KindInvalid || !strings.Contains(ve.Message, tc.want) {
			t.Errorf("%s: %+v, want an invalid error about %q", name, ve, tc.want)
		}
	}
	if _, err := e.app.AddAttachment("x.txt", "not base64!"); viewErr(t, err).Kind != view.KindInvalid {
		t.Error("broken base64 was accepted")
	}
	// The page cannot make up an attachment, or change what a kept one is.
	ghost := view.Attachment{ID: "sha256-" + strings.Repeat("0", 64), Name: "ghost.png", Kind: "image"}
	if _, err := e.app.Send("", "look", []view.Attachment{ghost}); viewErr(t, err).Kind != view.KindInvalid {
		t.Error("an attachment that was never kept was sent")
	}
	if _, err := e.app.Send("", "", nil); viewErr(t, err).Kind != view.KindInvalid {
		t.Error("an empty prompt was sent")
	}
}

func TestFilesDroppedOnTheWindowAreKept(t *testing.T) {
	e := newAppEnv(t)
	dir := t.TempDir()
	png := filepath.Join(dir, "dropped.png")
	os.WriteFile(png, pixelPNG, 0o600)
	got, err := e.app.keepDropped([]string{png})
	if err != nil || len(got) != 1 || got[0].Name != "dropped.png" || got[0].Kind != "image" {
		t.Fatalf("dropped: %+v %v", got, err)
	}
	if _, err := e.app.keepDropped([]string{dir}); err == nil {
		t.Fatal("a dropped folder was kept")
	}
}
