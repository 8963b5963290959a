package transfer

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// AttachmentStore keeps the files an import brings in (the images of a
// ChatGPT export zip, the attachments of a Murmur export): stored once,
// content-addressed, next to the conversations. The import never writes a
// file itself.
type AttachmentStore interface {
	// PutAttachment stores data under name (for display only) and media
	// type mime, and returns the reference to put in a message.
	PutAttachment(ctx context.Context, name, mime string, data []byte) (conversation.Attachment, error)
}

// AttachmentSource reads stored attachments for an export.
type AttachmentSource interface {
	// Attachment returns the bytes of the attachment with the given id.
	Attachment(ctx context.Context, id string) ([]byte, error)
}

// The visible placeholders that keep the place of what an import could not
// bring in.
const (
	placeholderImage = "[image not included in the export]"
)

// placeholder is the text that keeps the place of a file: missing from the
// export, or there but not imported.
func placeholder(kind, name string, inExport bool) string {
	name = displayName(cutBytes(name, 120))
	why := "not included in the export"
	if inExport {
		why = "not imported"
	}
	if name == "" {
		return "[" + kind + " " + why + "]"
	}
	return "[" + kind + " " + why + ": " + name + "]"
}

// zipAssets finds the files of the zip being imported by the ids an export
// names them with: ChatGPT's file ids ("file-AbC…", "file_0000…", the start
// of the file name), a Murmur attachment id (attachments/<id>), or the file
// name.
type zipAssets struct {
	byKey map[string]*zip.File
	used  map[*zip.File]bool
}

func newZipAssets(files []*zip.File) *zipAssets {
	z := &zipAssets{byKey: make(map[string]*zip.File), used: make(map[*zip.File]bool)}
	add := func(k string, f *zip.File) {
		if k == "" {
			return
		}
		if _, ok := z.byKey[k]; !ok {
			z.byKey[k] = f
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f.Name, "/") || unsafeEntryName(f.Name) != "" || strings.HasSuffix(strings.ToLower(f.Name), ".json") {
			continue
		}
		base := path.Base(f.Name)
		add(base, f)
		if dot := strings.LastIndexByte(base, '.'); dot > 0 {
			add(base[:dot], f)
		}
		add(chatGPTFileID(base), f)
	}
	return z
}

// chatGPTFileID returns the file id at the start of a name in ChatGPT's
// export ("file-AbC123-photo.png" → "file-AbC123"), or "".
func chatGPTFileID(base string) string {
	for _, prefix := range []string{"file-", "file_"} {
		rest, ok := strings.CutPrefix(base, prefix)
		if !ok {
			continue
		}
		end := strings.IndexAny(rest, "-.")
		if end < 0 {
			end = len(rest)
		}
		if end == 0 {
			return ""
		}
		return prefix + rest[:end]
	}
	return ""
}

// find returns the file an asset pointer ("file-service://file-AbC",
// "sediment://file_00…") or id names, or nil.
func (z *zipAssets) find(ref string) *zip.File {
	if z == nil {
		return nil
	}
	ref = refID(ref)
	if f := z.byKey[ref]; f != nil {
		return f
	}
	return z.byKey[chatGPTFileID(ref)]
}

// assetResult is what became of one file a conversation refers to.
type assetResult int

const (
	assetImported  assetResult = iota // stored; the part refers to it
	assetMissing                      // not in the export
	assetNotStored                    // in the export, but not imported (no store, too big, damaged)
)

// importAsset reads file f of the zip and stores it. name and mime may be
// empty (then taken from the file). A failure of the store stops the
// import (it returns the error); a file that cannot be used gives
// assetNotStored and a reason for the notes.
func (im *importer) importAsset(f *zip.File, name, mime string) (conversation.Attachment, assetResult, string, error) {
	if f == nil {
		return conversation.Attachment{}, assetMissing, "", nil
	}
	if im.store == nil {
		return conversation.Attachment{}, assetNotStored, "", nil
	}
	if a, ok := im.assetCache[f]; ok {
		return a, assetImported, "", nil
	}
	if f.UncompressedSize64 > uint64(im.lim.MaxAttachmentBytes) {
		return conversation.Attachment{}, assetNotStored, fmt.Sprintf("larger than the %s allowed for one file", humanBytes(im.lim.MaxAttachmentBytes)), nil
	}
	if reason := im.entryProblem(f); reason != "" {
		return conversation.Attachment{}, assetNotStored, reason, nil
	}
	rc, err := f.Open()
	if err != nil {
		return conversation.Attachment{}, assetNotStored, displayName(err.Error()), nil
	}
	defer rc.Close()
	data, err := io.ReadAll(&entryReader{r: rc, left: int64(f.UncompressedSize64), im: im})
	if err != nil {
		if err == errTotalTooBig {
			return conversation.Attachment{}, assetNotStored, err.Error(), nil
		}
		return conversation.Attachment{}, assetNotStored, "it is damaged: " + displayName(err.Error()), nil
	}
	if name == "" {
		name = assetName(path.Base(f.Name))
	}
	a, err := im.putAttachment(name, mime, data)
	if err != nil {
		return conversation.Attachment{}, assetNotStored, "", err
	}
	im.assets.used[f] = true
	im.assetCache[f] = a
	return a, assetImported, "", nil
}

// putAttachment hands data to the store with a safe name and a plausible
// media type; a store error stops the import.
func (im *importer) putAttachment(name, mime string, data []byte) (conversation.Attachment, error) {
	name = safeAttachmentName(name, mime, data)
	mime = mediaType(mime, name, data)
	a, err := im.store.PutAttachment(im.ctx, name, mime, data)
	if err != nil {
		return conversation.Attachment{}, &sinkError{fmt.Errorf("save attachment %q: %w", displayName(name), err)}
	}
	im.res.Attachments++
	return a, nil
}

// assetName makes a display name from the name of a file in ChatGPT's
// export: "file-AbC123-photo.png" → "photo.png". A file named by its id
// alone (generated images, "file-AbC.dat") gets "" (the name then comes
// from its type: "image.png").
func assetName(base string) string {
	id := chatGPTFileID(base)
	if id == "" {
		return base
	}
	rest := strings.TrimPrefix(base, id)
	if r, ok := strings.CutPrefix(rest, "-"); ok && strings.Contains(r, ".") && !looksLikeUUIDName(r) {
		return r
	}
	return ""
}

// looksLikeUUIDName reports whether s is "<uuid>.<ext>", the name ChatGPT
// gives generated images (not worth showing).
func looksLikeUUIDName(s string) bool {
	stem, _, _ := strings.Cut(s, ".")
	return len(stem) == 36 && strings.Count(stem, "-") == 4
}

// safeAttachmentName makes name acceptable as an attachment name: one
// line, no path separators or control characters, at most 255 bytes, with
// an extension for its type when it has none.
func safeAttachmentName(name, mime string, data []byte) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\':
			return '_'
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' ||
			r == '\u200e' || r == '\u200f' || r == '\u061c' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		m := mediaType(mime, "", data)
		name = "attachment"
		if strings.HasPrefix(m, "image/") {
			name = "image"
		}
		name += extensionFor(m)
	}
	if !strings.Contains(name, ".") {
		if ext := extensionFor(mediaType(mime, "", data)); ext != "" {
			name += ext
		}
	}
	if len(name) > conversation.MaxAttachmentNameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 || !utf8.ValidString(ext) {
			ext = ""
		}
		name = cutBytes(name, conversation.MaxAttachmentNameBytes-len(ext)) + ext
	}
	return name
}

// mediaTypes maps file extensions to the media types imports give
// attachments. A fixed table, so that imports do not depend on the
// machine's MIME database.
var mediaTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
	".heic": "image/heic", ".svg": "image/svg+xml", ".bmp": "image/bmp",
	".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv",
	".json": "application/json", ".html": "text/html", ".htm": "text/html", ".xml": "application/xml",
	".py": "text/x-python", ".js": "text/javascript", ".ts": "text/plain", ".go": "text/plain",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".zip":  "application/zip", ".mp3": "audio/mpeg", ".wav": "audio/wav", ".m4a": "audio/mp4", ".mp4": "video/mp4",
}

// extensionFor is the usual extension of a media type, or "".
func extensionFor(mime string) string {
	switch mime {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "application/pdf":
		return ".pdf"
	case "text/plain":
		return ".txt"
	}
	return ""
}

// mediaType picks the media type of an attachment: the one given when it
// is plausible, else what the bytes say (images, PDF), else what the name
// says, else application/octet-stream.
func mediaType(given, name string, data []byte) string {
	given, _, _ = strings.Cut(given, ";")
	given = strings.ToLower(strings.TrimSpace(given))
	if conversation.ValidMIME(given) && given != "application/octet-stream" {
		return given
	}
	if m := sniff(data); m != "" {
		return m
	}
	if m := mediaTypes[strings.ToLower(path.Ext(name))]; m != "" {
		return m
	}
	return "application/octet-stream"
}

// sniff recognises the file types an export mostly holds by their first
// bytes (ChatGPT's export names some images .dat).
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	case len(b) >= 12 && bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP":
		return "image/webp"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	}
	return ""
}

// isRasterImage reports whether mime is an image type every browser shows
// inline (and the export's CSP allows as a data: URL).
func isRasterImage(mime string) bool {
	switch mime {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}
