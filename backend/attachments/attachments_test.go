package attachments

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

// pngBytes is a 1×1 PNG.
var pngBytes, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       []byte
		mime, err  string
	}{
		{"png", "photo.png", pngBytes, "image/png", ""},
		{"a PNG named .txt is still an image", "photo.txt", pngBytes, "image/png", ""},
		{"go source", "main.go", []byte("package main\n"), "text/x-go", ""},
		{"markdown", "notes.md", []byte("# hi"), "text/markdown", ""},
		{"svg is text, never an image", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "image/svg+xml", ""},
		{"unknown text", "LICENSE", []byte("MIT"), "text/plain", ""},
		{"pdf", "paper.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "", "PDF is not supported yet"},
		{"binary", "a.out", []byte{0x7f, 'E', 'L', 'F', 0, 1, 2, 0xff}, "", "not a text file or an image"},
		{"an image models do not take", "x.bmp", []byte("BM\x00\x00\x00\x00"), "", "use PNG, JPEG, GIF or WebP"},
		{"jpeg", "a.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "image/jpeg", ""},
		{"gif", "a.gif", []byte("GIF89a\x01\x00\x01\x00"), "image/gif", ""},
		{"webp", "a.webp", []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00"), "image/webp", ""},
		{"a RIFF that is not WebP", "a.wav", []byte("RIFF\x1a\x00\x00\x00WAVEfmt \x00\xff"), "", "not a text file or an image"},
		{"tiff", "a.tif", []byte("II*\x00\x08\x00\x00\x00"), "", "(image/tiff); use PNG"},
		{"heic", "a.heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00"), "", "(image/heic); use PNG"},
		{"empty", "empty.txt", nil, "", "is empty"},
		{"text too large", "big.txt", bytes.Repeat([]byte("a"), MaxTextBytes+1), "", "text files can be at most 1.0 MiB"},
		{"path in the name", "../etc/passwd", []byte("x"), "", "path separator"},
		{"bidi override in the name", "photo\u202egnp.exe", []byte("x"), "", "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mime, err := Classify(tc.file, tc.data)
			if tc.err != "" {
				var ae *Error
				if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Classify = %q, %v; want an error about %q", mime, err, tc.err)
				}
				return
			}
			if err != nil || mime != tc.mime {
				t.Fatalf("Classify = %q, %v; want %q", mime, err, tc.mime)
			}
		})
	}
}

func TestRequestPart(t *testing.T) {
	img := RequestPart(conversation.Attachment{ID: conversation.AttachmentID(pngBytes), Name: "p.png", MIME: "image/png"}, pngBytes)
	if img.Type != conversation.PartImageURL || !strings.HasPrefix(img.ImageURL.URL, "data:image/png;base64,iVBOR") {
		t.Fatalf("image part %+v", img)
	}
	txt := RequestPart(conversation.Attachment{Name: "main.go", MIME: "text/x-go"}, []byte("package main"))
	if txt.Type != conversation.PartText || txt.Text != "main.go:\n\n```go\npackage main\n```" {
		t.Fatalf("text part %q", txt.Text)
	}
	svg := RequestPart(conversation.Attachment{Name: "a.svg", MIME: "image/svg+xml"}, []byte("<svg/>"))
	if svg.Type != conversation.PartText {
		t.Fatalf("an SVG was sent as an image: %+v", svg)
	}
}

func TestFenceCannotBeClosedFromInside(t *testing.T) {
	got := Fence("x.md", "before\n````\nafter")
	if !strings.Contains(got, "`````markdown\n") || !strings.HasSuffix(got, "\n`````") {
		t.Fatalf("fence %q", got)
	}
}

type memStore map[string][]byte

func (m memStore) PutAttachment(ctx context.Context, name, mime string, data []byte) (conversation.Attachment, error) {
	id := conversation.AttachmentID(data)
	m[id] = data
	return conversation.Attachment{ID: id, Name: name, MIME: mime, Size: int64(len(data))}, nil
}

func (m memStore) Attachment(ctx context.Context, id string) ([]byte, error) {
	b, ok := m[id]
	if !ok {
		return nil, errors.New("not found")
	}
	return b, nil
}

func TestKeepAndResolveTakeTheTypeFromTheBytes(t *testing.T) {
	ctx := context.Background()
	st := memStore{}
	img, err := Keep(ctx, st, "photo.png", pngBytes)
	if err != nil || img.MIME != "image/png" {
		t.Fatalf("keep: %+v %v", img, err)
	}
	if _, err := Keep(ctx, st, "doc.pdf", []byte("%PDF-1.4")); err == nil {
		t.Fatal("a PDF was kept")
	}
	// The UI names the file; what it is comes from its bytes.
	got, err := Resolve(ctx, st, []Ref{{ID: img.ID, Name: "renamed.txt"}})
	if err != nil || got[0].MIME != "image/png" || got[0].Size != int64(len(pngBytes)) || got[0].Name != "renamed.txt" {
		t.Fatalf("resolve: %+v %v", got, err)
	}
	for name, refs := range map[string][]Ref{
		"unknown id": {{ID: conversation.AttachmentID([]byte("x")), Name: "x.txt"}},
		"not an id":  {{ID: "../etc/passwd", Name: "x"}},
		"bad name":   {{ID: img.ID, Name: "a/b.png"}},
		"too many":   make([]Ref, MaxPerMessage+1),
	} {
		if _, err := Resolve(ctx, st, refs); err == nil {
			t.Errorf("%s: resolved", name)
		}
	}
}
