package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"murmur/backend/conversation"
	"murmur/backend/store"
	"murmur/backend/transfer"
)

// ExportResult says where an export went.
type ExportResult struct {
	// Saved is false when the user cancelled the file dialog.
	Saved bool   `json:"saved"`
	Where string `json:"where"`
	Count int    `json:"count"`
}

// ExportConversation exports one conversation in format (markdown, json,
// html, text or openai) to a file the user chooses. allBranches includes
// every regenerated reply and edited prompt.
func (a *App) ExportConversation(id, format string, allBranches bool) (ExportResult, error) {
	if err := checkConvID(id); err != nil {
		return ExportResult{}, err
	}
	f, err := transfer.ParseFormat(format)
	if err != nil {
		return ExportResult{}, invalidf("format", "%s", err.Error())
	}
	ctx := a.context()
	c, err := a.store.Get(ctx, id)
	if err != nil {
		return ExportResult{}, uiError("export", err)
	}
	w, where, ok, err := a.shell.SaveFile(ctx, transfer.FileName(c.Title, c.ID, f), f.MIMEType())
	if err != nil || !ok {
		return ExportResult{}, uiError("export", err)
	}
	if err := transfer.Export(ctx, w, c, f, transfer.Options{AllBranches: allBranches}); err != nil {
		abort(w)
		return ExportResult{}, uiError("export", err)
	}
	if err := w.Close(); err != nil {
		return ExportResult{}, uiError("export", err)
	}
	return ExportResult{Saved: true, Where: where, Count: 1}, nil
}

// ExportAll exports every conversation (archived ones too) into one zip.
func (a *App) ExportAll(format string) (ExportResult, error) {
	f, err := transfer.ParseFormat(format)
	if err != nil {
		return ExportResult{}, invalidf("format", "%s", err.Error())
	}
	ctx := a.context()
	ids, err := a.allIDs(ctx)
	if err != nil {
		return ExportResult{}, uiError("export", err)
	}
	w, where, ok, err := a.shell.SaveFile(ctx, "murmur-conversations.zip", "application/zip")
	if err != nil || !ok {
		return ExportResult{}, uiError("export", err)
	}
	res, err := transfer.ExportZip(ctx, w, ids, a.store.Get, f, transfer.Options{}, nil)
	if err != nil {
		abort(w)
		return ExportResult{}, uiError("export", err)
	}
	if err := w.Close(); err != nil {
		return ExportResult{}, uiError("export", err)
	}
	return ExportResult{Saved: true, Where: where, Count: len(res.Files)}, nil
}

// abort drops a half-written export: a destination that can be aborted
// (a file written through a temp file) keeps its old content.
func abort(w io.WriteCloser) {
	if a, ok := w.(interface{ Abort() }); ok {
		a.Abort()
		return
	}
	w.Close()
}

// allIDs lists every conversation id, page by page.
func (a *App) allIDs(ctx context.Context) ([]string, error) {
	var ids []string
	for off := 0; ; {
		p, err := a.store.List(ctx, store.ListQuery{Archived: store.ArchivedInclude, Offset: off, Limit: store.MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, s := range p.Items {
			ids = append(ids, s.ID)
		}
		off += len(p.Items)
		if !p.More || len(p.Items) == 0 {
			return ids, nil
		}
	}
}

// ImportResult lists what an import brought in and what it skipped.
type ImportResult struct {
	// Chosen is false when the user cancelled the file dialog.
	Chosen bool            `json:"chosen"`
	Result transfer.Result `json:"result"`
}

// Import imports conversations from a file the user chooses: a Murmur JSON
// export (or a zip of them), a ChatGPT export, or an OpenAI messages list.
// Imported conversations get new ids; nothing existing is overwritten.
func (a *App) Import() (ImportResult, error) {
	ctx := a.context()
	f, ok, err := a.shell.OpenFile(ctx)
	if err != nil || !ok {
		return ImportResult{}, uiError("import", err)
	}
	defer f.Close()
	return a.importFile(ctx, f)
}

func (a *App) importFile(ctx context.Context, f ImportFile) (ImportResult, error) {
	sink := func(ctx context.Context, c *conversation.Conversation) error { return a.store.Save(ctx, c) }
	res, err := transfer.Import(ctx, f.Reader, f.Size, f.Name, sink, transfer.ImportOptions{})
	if err != nil {
		return ImportResult{Chosen: true, Result: res}, uiError("import", err)
	}
	return ImportResult{Chosen: true, Result: res}, nil
}

// ---- links -----------------------------------------------------------------

// maxURL bounds a link the UI may ask to open.
const maxURL = 8 << 10

// mailtoFields are the only mailto header fields a link may set: some mail
// clients honoured "attach=" and sent local files.
var mailtoFields = map[string]bool{"to": true, "cc": true, "bcc": true, "subject": true, "body": true}

// hiddenRunes are characters that change how a URL looks without being
// seen: direction overrides and isolates, zero-width characters.
func hiddenRune(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F,
		r >= 0x200B && r <= 0x200D, r == 0xFEFF, r == 0x061C:
		return true
	}
	return unicode.IsControl(r)
}

// CheckLink decides whether a link may be opened and returns the text to
// show the user first: the full URL with the host in punycode, so that a
// look-alike host cannot pass for another.
func CheckLink(raw string) (shown string, err error) {
	if len(raw) > maxURL || !utf8.ValidString(raw) {
		return "", invalidf("url", "that link is too long or not text")
	}
	raw = strings.TrimSpace(raw)
	if strings.IndexFunc(raw, hiddenRune) >= 0 {
		return "", invalidf("url", "that link contains invisible characters that can disguise where it leads")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalidf("url", "that is not a valid link")
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
		if u.Host == "" {
			return "", invalidf("url", "that link has no host")
		}
		if u.User != nil {
			return "", invalidf("url", "links with a user name or password in them are not opened")
		}
		host := u.Hostname()
		if ip := net.ParseIP(host); ip == nil {
			if host, err = idna.Lookup.ToASCII(host); err != nil {
				return "", invalidf("url", "the link's host %q is not a valid name", clipText(u.Hostname(), 60))
			}
		} else if ip.To4() == nil {
			host = "[" + host + "]"
		}
		if port := u.Port(); port != "" {
			host += ":" + port
		}
		u.Host = host
	case "mailto":
		for k := range u.Query() {
			if !mailtoFields[strings.ToLower(k)] {
				return "", invalidf("url", "mail links may set only to, cc, bcc, subject and body, not %q", clipText(k, 20))
			}
		}
	default:
		return "", invalidf("url", "only https, http and mailto links are opened, not %q", clipText(u.Scheme, 20))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u.String(), nil
}

// OpenLink opens a link from a message in the system browser after the user
// confirms the full URL. It returns false when the user declined.
func (a *App) OpenLink(rawURL string) (bool, error) {
	shown, err := CheckLink(rawURL)
	if err != nil {
		return false, err
	}
	ctx := a.context()
	ok, err := a.shell.Confirm(ctx, "Open this link?", fmt.Sprintf("Murmur will open this address in your browser:\n\n%s", shown))
	if err != nil || !ok {
		return false, uiError("open link", err)
	}
	if err := a.shell.OpenURL(ctx, shown); err != nil {
		return false, uiError("open link", err)
	}
	return true, nil
}
