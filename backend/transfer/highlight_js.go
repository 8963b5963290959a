//go:build js

package transfer

import "io"

// codeHighlighter leaves code blocks plain in the browser build: chroma's
// lexers would more than double the WebAssembly module, and an export's
// code stays readable (monospaced, escaped) without colours.
type codeHighlighter struct{}

func newCodeHighlighter() codeHighlighter { return codeHighlighter{} }

func (codeHighlighter) highlight(lang, code string) (string, bool) { return "", false }

func (codeHighlighter) css(io.Writer) error { return nil }
