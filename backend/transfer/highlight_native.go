//go:build !js

package transfer

import (
	"bytes"
	"io"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// codeHighlighter colours code blocks of HTML exports with chroma. The
// browser build leaves chroma out (highlight_js.go): its lexers are most
// of the size of the WebAssembly module.
type codeHighlighter struct {
	format      *chromahtml.Formatter
	light, dark *chroma.Style
}

func newCodeHighlighter() codeHighlighter {
	return codeHighlighter{
		format: chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4)),
		light:  styles.Get("github"),
		dark:   styles.Get("github-dark"),
	}
}

// highlight returns code in lang as HTML; ok is false when the language is
// unknown or its lexer fails.
func (c codeHighlighter) highlight(lang, code string) (out string, ok bool) {
	lexer := lexers.Get(lang)
	if lexer == nil {
		return "", false
	}
	// A third-party lexer must not take an export down on hostile input.
	defer func() {
		if recover() != nil {
			out, ok = "", false
		}
	}()
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return "", false
	}
	var b bytes.Buffer
	if err := c.format.Format(&b, c.light, it); err != nil {
		return "", false
	}
	return b.String(), true
}

// css writes the code colours for light and for dark schemes.
func (c codeHighlighter) css(w io.Writer) error {
	io.WriteString(w, "@media not (prefers-color-scheme: dark) {\n")
	if err := c.format.WriteCSS(w, c.light); err != nil {
		return err
	}
	io.WriteString(w, "}\n@media (prefers-color-scheme: dark) {\n")
	if err := c.format.WriteCSS(w, c.dark); err != nil {
		return err
	}
	_, err := io.WriteString(w, "}\n")
	return err
}
