package transfer

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"murmur/backend/conversation"
)

// CSP is the Content-Security-Policy of every exported HTML file: nothing
// may load or run except inline styles and inline data: images. There is no
// script in the file at all; the policy is the second line of defence.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// maxHighlightBytes caps the code block size chroma highlights; bigger
// blocks are shown plain (escaped) so hostile input cannot make an export
// slow.
const maxHighlightBytes = 64 << 10

// htmlRenderer renders message Markdown to safe HTML. One is made per
// export (or per zip) so there is no shared state.
type htmlRenderer struct {
	md    goldmark.Markdown
	code  codeHighlighter
	style string // the style sheet, made on first use
}

func newHTMLRenderer() *htmlRenderer {
	h := &htmlRenderer{code: newCodeHighlighter()}
	h.md = goldmark.New(
		// Raw HTML stays off (goldmark's default); safeNodes below shows it as
		// text instead of dropping it.
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(mathParser{}, 50))),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(safeNodes{h: h}, 100), util.Prioritized(mathRenderer{}, 100)),
		),
	)
	return h
}

// markdown renders message text to HTML.
func (h *htmlRenderer) markdown(s string) (string, error) {
	var b bytes.Buffer
	if err := h.md.Convert([]byte(s), &b); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return b.String(), nil
}

// highlight returns code as highlighted HTML, or escaped in a plain <pre>
// when the language is unknown, the block is big, or the highlighter fails.
func (h *htmlRenderer) highlight(lang, code string) string {
	plain := `<pre class="code"><code>` + html.EscapeString(code) + "</code></pre>\n"
	if lang == "" || len(code) > maxHighlightBytes {
		return plain
	}
	if out, ok := h.code.highlight(lang, code); ok {
		return out + "\n"
	}
	return plain
}

// css returns the style sheet: page styles, then the code colours for light
// and for dark schemes.
func (h *htmlRenderer) css() (string, error) {
	if h.style != "" {
		return h.style, nil
	}
	var b strings.Builder
	b.WriteString(pageCSS)
	if err := h.code.css(&b); err != nil {
		return "", err
	}
	h.style = b.String()
	return h.style, nil
}

const pageCSS = `:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --user: #f6f8fa; --code: #f6f8fa; --link: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --user: #151b23; --code: #151b23; --link: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 1.5rem; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; color: var(--muted); margin: 0 0 1.5rem; }
.meta dt { font-weight: 600; } .meta dd { margin: 0; }
.message, .system { border-top: 1px solid var(--line); padding: .75rem 0; }
.message.user { background: var(--user); padding: .75rem 1rem; border-radius: 8px; border-top: 0; margin: .75rem 0; }
.who { font-size: .95rem; margin: 0 0 .4rem; color: var(--muted); }
.who time { font-weight: normal; margin-left: .5rem; }
.branch { margin: 2rem 0 .5rem; font-size: 1.1rem; border-bottom: 2px solid var(--line); }
.reasoning { color: var(--muted); border-left: 3px solid var(--line); padding: 0 .75rem; margin: .5rem 0; }
.reasoning summary { cursor: pointer; font-weight: 600; }
.note { color: var(--muted); font-style: italic; }
a { color: var(--link); }
.blocked-url, .raw-html { color: var(--muted); }
code.math.display { display: block; padding: .4rem 0; }
.raw-html { white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { overflow-x: auto; padding: .75rem; border-radius: 6px; background: var(--code); font-size: .9em; line-height: 1.45; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
:not(pre) > code { background: var(--code); padding: .1em .3em; border-radius: 4px; }
table { border-collapse: collapse; } th, td { border: 1px solid var(--line); padding: .3rem .6rem; }
blockquote { margin: 0; padding-left: 1rem; border-left: 3px solid var(--line); color: var(--muted); }
img { max-width: 100%; }
figure.attachment { margin: .5rem 0; } figure.attachment figcaption, p.attachment { color: var(--muted); font-size: .9rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
`

// write writes one self-contained HTML document. Every piece of content
// goes through html.EscapeString or the safe Markdown renderer.
func (h *htmlRenderer) write(w io.Writer, d *doc) error {
	css, err := h.css()
	if err != nil {
		return fmt.Errorf("write code styles: %w", err)
	}
	e := &errWriter{w: w}
	esc := html.EscapeString
	e.str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
		"<meta http-equiv=\"Content-Security-Policy\" content=\"", esc(CSP), "\">\n",
		"<meta name=\"referrer\" content=\"no-referrer\">\n",
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
		"<meta name=\"color-scheme\" content=\"light dark\">\n",
		"<meta name=\"generator\" content=\"Murmur\">\n",
		"<title>", esc(d.title()), "</title>\n<style>\n", css, "</style>\n</head>\n<body>\n",
		"<header>\n<h1 dir=\"auto\">", esc(d.title()), "</h1>\n<dl class=\"meta\">\n")
	for _, kv := range d.meta() {
		e.str("<dt>", esc(kv[0]), "</dt><dd dir=\"auto\">", esc(kv[1]), "</dd>\n")
	}
	e.str("</dl>\n</header>\n<main>\n")
	if d.c.SystemPrompt != nil && *d.c.SystemPrompt != "" {
		body, err := h.markdown(*d.c.SystemPrompt)
		if err != nil {
			return err
		}
		e.str("<section class=\"system\">\n<h2 class=\"who\">System prompt</h2>\n<div class=\"content\" dir=\"auto\">\n", body, "</div>\n</section>\n")
	}
	for bi, b := range d.branches {
		if len(d.branches) > 1 {
			e.str("<h2 class=\"branch\">Branch ", strconv.Itoa(bi+1))
			switch {
			case bi == 0:
				e.str(" (current)")
			case b.forkAfter != nil:
				e.str(" — continues after “", esc(excerpt(b.forkAfter)), "”")
			default:
				e.str(" — a separate start")
			}
			e.str("</h2>\n")
		}
		for i := range b.messages {
			if e.err != nil {
				return e.err
			}
			if err := h.message(e, d, &b.messages[i]); err != nil {
				return err
			}
		}
	}
	e.str("</main>\n<footer>Exported from Murmur on ", esc(formatTime(d.exported)), ".</footer>\n</body>\n</html>\n")
	return e.err
}

// maxInlineImageBytes caps an attached image the HTML export shows inline;
// a bigger one is listed by name.
const maxInlineImageBytes = 16 << 20

// attachmentHTML shows an attachment: an image inline as a data: URL (the
// CSP allows data: images and nothing else), any other file by name, type
// and size. Nothing links out of the file.
func attachmentHTML(d *doc, a conversation.Attachment) string {
	esc := html.EscapeString
	label := esc(attachmentLabel(a))
	if isRasterImage(a.MIME) && a.Size <= maxInlineImageBytes {
		if data, err := d.attachment(a); err == nil {
			return `<figure class="attachment"><img src="data:` + a.MIME + `;base64,` + base64.StdEncoding.EncodeToString(data) +
				`" alt="` + esc(oneLine(a.Name)) + `"><figcaption dir="auto">` + label + "</figcaption></figure>\n"
		}
	}
	return `<p class="attachment" dir="auto">📎 ` + label + "</p>\n"
}

func (h *htmlRenderer) message(e *errWriter, d *doc, m *conversation.Message) error {
	esc := html.EscapeString
	role := "other"
	if m.Role.Valid() {
		role = string(m.Role)
	}
	label, when := messageHeading(m)
	e.str("<article class=\"message ", role, "\">\n<h2 class=\"who\">", esc(label))
	if when != "" {
		e.str(" <time datetime=\"", m.CreatedAt.UTC().Format(time.RFC3339), "\">", esc(when), "</time>")
	}
	e.str("</h2>\n")
	if m.Reasoning != "" {
		body, err := h.markdown(m.Reasoning)
		if err != nil {
			return err
		}
		e.str("<details class=\"reasoning\">\n<summary>Reasoning</summary>\n<div class=\"content\" dir=\"auto\">\n", body, "</div>\n</details>\n")
	}
	e.str("<div class=\"content\" dir=\"auto\">\n")
	if m.Content.Parts == nil {
		body, err := h.markdown(m.Content.Text)
		if err != nil {
			return err
		}
		e.str(body)
	} else {
		for _, p := range m.Content.Parts {
			switch p.Type {
			case conversation.PartText:
				body, err := h.markdown(p.Text)
				if err != nil {
					return err
				}
				e.str(body)
			case conversation.PartImageURL:
				if p.ImageURL != nil {
					e.str("<p>", imageHTML(p.ImageURL.URL, ""), "</p>\n")
				}
			case conversation.PartAttachment:
				if p.Attachment != nil {
					e.str(attachmentHTML(d, *p.Attachment))
				}
			}
		}
	}
	e.str("</div>\n")
	if note := statusNote(m); note != "" {
		e.str("<p class=\"note\">", esc(note), "</p>\n")
	}
	e.str("</article>\n")
	return e.err
}

// allowedLink returns the URL to put in an href, or "" when the link must be
// shown as text: only absolute http and https URLs with a host, and mailto.
func allowedLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
	case "mailto":
		if u.Opaque == "" {
			return ""
		}
	default:
		return ""
	}
	return u.String()
}

// inlineImage reports whether u is a data: URL of a raster image, the only
// kind of image the export shows inline (the CSP allows nothing else).
func inlineImage(u string) bool {
	l := strings.ToLower(u)
	for _, t := range []string{"png", "jpeg", "jpg", "gif", "webp"} {
		if strings.HasPrefix(l, "data:image/"+t+";base64,") {
			return !strings.ContainsAny(u, "\"'<> \n")
		}
	}
	return false
}

// imageHTML shows an image: inline when it is a data: raster image, as a
// link when it is remote (never loaded), as text otherwise.
func imageHTML(u, alt string) string {
	esc := html.EscapeString
	if inlineImage(u) {
		if alt == "" {
			alt = "image"
		}
		return `<img src="` + esc(u) + `" alt="` + esc(cutBytes(alt, 120)) + `">`
	}
	if alt == "" {
		alt = cutBytes(u, 120)
	}
	if link := allowedLink(u); link != "" {
		return `<a href="` + esc(link) + `" rel="noopener noreferrer nofollow">Image (not loaded): ` + esc(alt) + `</a>`
	}
	return `<span class="blocked-url">Image: ` + esc(alt) + ` (` + esc(cutBytes(u, 200)) + `)</span>`
}

// safeNodes overrides goldmark's rendering of the nodes that could carry
// active content: raw HTML is shown as text, links are kept only for
// allowed schemes, images are never loaded from the network, code is
// highlighted.
type safeNodes struct{ h *htmlRenderer }

// RegisterFuncs implements renderer.NodeRenderer.
func (s safeNodes) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, s.rawHTML)
	reg.Register(ast.KindHTMLBlock, s.htmlBlock)
	reg.Register(ast.KindLink, s.link)
	reg.Register(ast.KindAutoLink, s.autoLink)
	reg.Register(ast.KindImage, s.image)
	reg.Register(ast.KindFencedCodeBlock, s.fencedCode)
	reg.Register(ast.KindCodeBlock, s.indentedCode)
}

func (s safeNodes) rawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	_, _ = w.WriteString(`<span class="raw-html">`)
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		_, _ = w.WriteString(html.EscapeString(string(seg.Value(src))))
	}
	_, _ = w.WriteString(`</span>`)
	return ast.WalkSkipChildren, nil
}

func (s safeNodes) htmlBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var b strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	if n.HasClosure() {
		b.Write(n.ClosureLine.Value(src))
	}
	_, _ = w.WriteString(`<div class="raw-html">` + html.EscapeString(strings.TrimRight(b.String(), "\n")) + "</div>\n")
	return ast.WalkSkipChildren, nil
}

func (s safeNodes) link(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	dest := string(n.Destination)
	href := allowedLink(dest)
	if entering {
		if href == "" {
			_, _ = w.WriteString(`<span class="blocked-link">`)
			return ast.WalkContinue, nil
		}
		_, _ = w.WriteString(`<a href="` + html.EscapeString(href) + `" rel="noopener noreferrer nofollow"`)
		if n.Title != nil {
			_, _ = w.WriteString(` title="` + html.EscapeString(string(n.Title)) + `"`)
		}
		_, _ = w.WriteString(">")
		return ast.WalkContinue, nil
	}
	if href == "" {
		_, _ = w.WriteString(`</span>`)
		if dest != "" {
			_, _ = w.WriteString(` <span class="blocked-url">(` + html.EscapeString(cutBytes(dest, 200)) + `)</span>`)
		}
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}

func (s safeNodes) autoLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	raw := string(n.URL(src))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(raw), "mailto:") {
		raw = "mailto:" + raw
	}
	label := html.EscapeString(string(n.Label(src)))
	if href := allowedLink(raw); href != "" {
		_, _ = w.WriteString(`<a href="` + html.EscapeString(href) + `" rel="noopener noreferrer nofollow">` + label + `</a>`)
	} else {
		_, _ = w.WriteString(`<span class="blocked-url">` + label + `</span>`)
	}
	return ast.WalkContinue, nil
}

func (s safeNodes) image(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	_, _ = w.WriteString(imageHTML(string(n.Destination), nodeText(n, src)))
	return ast.WalkSkipChildren, nil
}

func (s safeNodes) fencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := ""
	if l := n.Language(src); l != nil {
		lang = string(l)
	}
	_, _ = w.WriteString(s.h.highlight(lang, lines(n, src)))
	return ast.WalkSkipChildren, nil
}

func (s safeNodes) indentedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(s.h.highlight("", lines(node, src)))
	return ast.WalkSkipChildren, nil
}

func lines(n ast.Node, src []byte) string {
	var b strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// nodeText returns the plain text under n (an image's alt text).
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
