package transfer

import (
	"bytes"
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Math ($…$, $$…$$, \(…\), \[…\]) is kept verbatim in the HTML export:
// without this, Markdown's backslash escapes would eat "\," and "\(" and
// the LaTeX would be lost. It is shown as code (no script renders it).

// kindMath is the node kind of a math span; set once at init, never changed.
var kindMath = ast.NewNodeKind("TransferMath")

type mathNode struct {
	ast.BaseInline
	source  []byte
	display bool
}

func (n *mathNode) Kind() ast.NodeKind { return kindMath }

func (n *mathNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// maxMathBytes caps how far a multi-line math span is looked for.
const maxMathBytes = 4 << 10

type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$', '\\'} }

func (mathParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	var open, closer string
	switch {
	case bytes.HasPrefix(line, []byte("$$")):
		open, closer = "$$", "$$"
	case bytes.HasPrefix(line, []byte("$")):
		open, closer = "$", "$"
	case bytes.HasPrefix(line, []byte(`\(`)):
		open, closer = `\(`, `\)`
	case bytes.HasPrefix(line, []byte(`\[`)):
		open, closer = `\[`, `\]`
	default:
		return nil
	}
	if open == "$" {
		// $…$ on one line, not "$ 5" and not "$5 and $6" (closing $ not
		// after a space, not before a digit).
		rest := line[1:]
		if len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' {
			return nil
		}
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\\' {
				i++
				continue
			}
			if rest[i] != '$' {
				continue
			}
			if rest[i-1] == ' ' || (i+1 < len(rest) && rest[i+1] >= '0' && rest[i+1] <= '9') {
				return nil
			}
			src := append([]byte(nil), line[:i+2]...)
			block.Advance(i + 2)
			return &mathNode{source: src}
		}
		return nil
	}
	// The other forms may span lines of the paragraph.
	savedLine, savedPos := block.Position()
	var src []byte
	skip := len(open)
	for {
		if len(src) > maxMathBytes {
			// Unclosed: give up early, so a paragraph full of openers stays
			// linear to render.
			block.SetPosition(savedLine, savedPos)
			return nil
		}
		line, _ := block.PeekLine()
		if line == nil {
			block.SetPosition(savedLine, savedPos)
			return nil
		}
		if i := bytes.Index(line[skip:], []byte(closer)); i >= 0 {
			end := skip + i + len(closer)
			src = append(src, line[:end]...)
			block.Advance(end)
			return &mathNode{source: src, display: open == "$$" || open == `\[`}
		}
		src = append(src, line...)
		block.AdvanceLine()
		skip = 0
	}
}

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMath, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			n := node.(*mathNode)
			class := "math"
			if n.display {
				class = "math display"
			}
			_, _ = w.WriteString(`<code class="` + class + `">` + html.EscapeString(string(n.source)) + `</code>`)
		}
		return ast.WalkSkipChildren, nil
	})
}
