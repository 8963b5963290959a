package transfer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
	"time"

	"murmur/backend/conversation"
)

// LoadFunc loads the conversation with the given id for ExportZip.
type LoadFunc func(ctx context.Context, id string) (*conversation.Conversation, error)

// ZipResult tells what ExportZip wrote.
type ZipResult struct {
	// Files maps each exported conversation id to its file name in the zip.
	Files map[string]string
	// Failed lists the conversations that could not be loaded or written,
	// with the reason (the index lists them too), and the attachments that
	// could not be read (their conversation is in the zip; the reason
	// names the attachment).
	Failed []Skip
}

// IndexName returns the file name of the index ExportZip writes for
// format f: index.html for HTML, index.txt for text, index.md otherwise.
func IndexName(f Format) string {
	switch f {
	case FormatHTML:
		return "index.html"
	case FormatText:
		return "index.txt"
	}
	return "index.md"
}

// ExportZip writes the conversations named by ids (loaded one at a time
// with load) to w as a zip archive: one file per conversation in format f,
// named with FileName and made unique, then an index. The archive is
// streamed, so w may be a pipe or a network stream; memory use does not
// grow with the number of conversations beyond the index lines. progress,
// if not nil, is called after each conversation with the number done and
// the total.
//
// A conversation that fails to load is listed in the index and in
// ZipResult.Failed and the export goes on. A write error or a cancelled ctx
// stops the export and is returned.
func ExportZip(ctx context.Context, w io.Writer, ids []string, load LoadFunc, f Format, opts Options, progress func(done, total int)) (ZipResult, error) {
	res := ZipResult{Files: make(map[string]string, len(ids))}
	if !f.valid() {
		return res, fmt.Errorf("export zip: unknown format %q", f)
	}
	if load == nil {
		return res, errors.New("export zip: no loader")
	}
	now := opts.now()
	opts.Now = func() time.Time { return now }
	zw := zip.NewWriter(w)
	names := newUniqueNames(IndexName(f))
	var index []indexEntry
	var hr *htmlRenderer
	if f == FormatHTML {
		hr = newHTMLRenderer()
	}
	var buf bytes.Buffer
	written := make(map[string]bool) // attachment ids already in the zip
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("export zip: %w", err)
		}
		c, err := load(ctx, id)
		if err == nil && c == nil {
			err = errors.New("not found")
		}
		if err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("export zip: %w", ctx.Err())
			}
			skip := Skip{Index: i + 1, Source: oneLine(cutBytes(id, 60)), Reason: "could not be loaded: " + oneLine(err.Error())}
			res.Failed = append(res.Failed, skip)
			index = append(index, indexEntry{title: skip.Source, failed: skip.Reason})
			if progress != nil {
				progress(i+1, len(ids))
			}
			continue
		}
		buf.Reset()
		d := newDoc(c, f, opts)
		d.ctx, d.inZip = ctx, true
		if err := writeDoc(&buf, d, f, hr); err != nil {
			return res, fmt.Errorf("export zip: conversation %s: %w", c.ID, err)
		}
		name := names.take(FileName(c.Title, c.ID, f), f.Ext())
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modTime(c, now)})
		if err != nil {
			return res, fmt.Errorf("export zip: add %s: %w", name, err)
		}
		if _, err := fw.Write(buf.Bytes()); err != nil {
			return res, fmt.Errorf("export zip: write %s: %w", name, err)
		}
		res.Files[c.ID] = name
		if err := writeAttachments(ctx, zw, d, written, now, &res, i+1); err != nil {
			return res, err
		}
		index = append(index, indexEntry{title: d.title(), file: name, messages: len(d.c.Messages), updated: c.UpdatedAt})
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	iw, err := zw.CreateHeader(&zip.FileHeader{Name: IndexName(f), Method: zip.Deflate, Modified: now})
	if err != nil {
		return res, fmt.Errorf("export zip: add index: %w", err)
	}
	if err := writeIndex(iw, f, index, now); err != nil {
		return res, fmt.Errorf("export zip: write index: %w", err)
	}
	if err := zw.Close(); err != nil {
		return res, fmt.Errorf("export zip: finish: %w", err)
	}
	return res, nil
}

// writeAttachments adds the files d's messages refer to as
// attachments/<id>, each once per zip. One that cannot be read is listed in
// res.Failed (the conversation is in the zip all the same); a write error
// stops the export.
func writeAttachments(ctx context.Context, zw *zip.Writer, d *doc, written map[string]bool, now time.Time, res *ZipResult, index int) error {
	if d.att == nil {
		return nil
	}
	for _, a := range d.attachments() {
		if written[a.ID] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("export zip: %w", err)
		}
		data, err := d.attachment(a)
		if err != nil {
			res.Failed = append(res.Failed, Skip{Index: index, Source: d.title(), Title: d.title(), Reason: oneLine(err.Error())})
			continue
		}
		written[a.ID] = true
		name := attachmentPath(a.ID)
		method := zip.Deflate
		if isRasterImage(a.MIME) || a.MIME == "application/zip" {
			method = zip.Store // compressed already
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: now})
		if err != nil {
			return fmt.Errorf("export zip: add %s: %w", name, err)
		}
		if _, err := fw.Write(data); err != nil {
			return fmt.Errorf("export zip: write %s: %w", name, err)
		}
	}
	return nil
}

func modTime(c *conversation.Conversation, now time.Time) time.Time {
	if !c.UpdatedAt.IsZero() && c.UpdatedAt.Year() >= 1980 {
		return c.UpdatedAt.UTC()
	}
	return now
}

type indexEntry struct {
	title, file, failed string
	messages            int
	updated             time.Time
}

// writeIndex writes the archive's table of contents.
func writeIndex(w io.Writer, f Format, entries []indexEntry, now time.Time) error {
	e := &errWriter{w: w}
	count := strconv.Itoa(len(entries)) + " conversations"
	switch f {
	case FormatHTML:
		esc := html.EscapeString
		e.str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
			"<meta http-equiv=\"Content-Security-Policy\" content=\"", esc(CSP), "\">\n",
			"<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light dark\">\n",
			"<title>Murmur export</title>\n<style>\n", pageCSS, "</style>\n</head>\n<body>\n<h1>Murmur export</h1>\n",
			"<p class=\"note\">", esc(count), ", exported ", esc(formatTime(now)), ".</p>\n<table>\n<tr><th>Conversation</th><th>Messages</th><th>Updated</th></tr>\n")
		for _, x := range entries {
			if x.failed != "" {
				e.str("<tr><td dir=\"auto\">", esc(x.title), "</td><td colspan=\"2\">", esc(x.failed), "</td></tr>\n")
				continue
			}
			e.str("<tr><td dir=\"auto\"><a href=\"", esc((&url.URL{Path: x.file}).EscapedPath()), "\">", esc(x.title), "</a></td><td>",
				strconv.Itoa(x.messages), "</td><td>", esc(formatTime(x.updated)), "</td></tr>\n")
		}
		e.str("</table>\n</body>\n</html>\n")
	case FormatText:
		e.str("Murmur export\n=============\n", count, ", exported ", formatTime(now), ".\n\n")
		for _, x := range entries {
			if x.failed != "" {
				e.str("- ", x.title, ": ", x.failed, "\n")
				continue
			}
			e.str("- ", x.title, " (", strconv.Itoa(x.messages), " messages, updated ", formatTime(x.updated), "): ", x.file, "\n")
		}
	default:
		e.str("# Murmur export\n\n", count, ", exported ", formatTime(now), ".\n\n")
		for _, x := range entries {
			if x.failed != "" {
				e.str("- ", mdEscape(x.title), ": ", mdEscape(x.failed), "\n")
				continue
			}
			e.str("- [", mdEscape(x.title), "](<", mdURL((&url.URL{Path: x.file}).EscapedPath()), ">) — ",
				strconv.Itoa(x.messages), " messages, updated ", formatTime(x.updated), "\n")
		}
	}
	return e.err
}
