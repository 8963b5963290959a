package transfer

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

func exportString(t *testing.T, f Format, all bool) string {
	t.Helper()
	var b bytes.Buffer
	if err := Export(context.Background(), &b, fixture(), f, Options{AllBranches: all, Now: fixedNow}); err != nil {
		t.Fatalf("Export %s: %v", f, err)
	}
	return b.String()
}

func TestExportGolden(t *testing.T) {
	for _, f := range Formats() {
		for _, all := range []bool{false, true} {
			name := "current" + f.Ext()
			if all {
				name = "all-branches" + f.Ext()
			}
			t.Run(name, func(t *testing.T) {
				got := exportString(t, f, all)
				path := filepath.Join("testdata", "golden", name)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("read golden (run go test -update): %v", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s (run go test -update and review the diff)", f, path)
				}
			})
		}
	}
}

func TestExportsCarryNoSecretsOrProvider(t *testing.T) {
	for _, f := range Formats() {
		for _, all := range []bool{false, true} {
			out := exportString(t, f, all)
			for _, s := range []string{secretKey, secretProvider, "api_key", "provider_id", "authorization"} {
				if strings.Contains(out, s) {
					t.Errorf("%s (all=%v) export contains %q", f, all, s)
				}
			}
		}
	}
}

func TestExportCurrentBranchOnlyByDefault(t *testing.T) {
	for _, f := range []Format{FormatMarkdown, FormatText, FormatHTML, FormatJSON} {
		cur := exportString(t, f, false)
		all := exportString(t, f, true)
		if strings.Contains(cur, "First try") {
			t.Errorf("%s: current-branch export holds the other branch", f)
		}
		if !strings.Contains(all, "First try") || !strings.Contains(all, "Paragraph 120") {
			t.Errorf("%s: all-branches export misses a branch", f)
		}
	}
	if strings.Contains(exportString(t, FormatOpenAI, true), "First try") {
		t.Error("openai export holds a non-current branch")
	}
}

func TestExportKeepsReasoningApart(t *testing.T) {
	md := exportString(t, FormatMarkdown, false)
	if !strings.Contains(md, "> **Reasoning**\n>\n> The user wants *tricky* content.") {
		t.Errorf("markdown reasoning not quoted apart:\n%s", md[:min(len(md), 2000)])
	}
	txt := exportString(t, FormatText, false)
	if !strings.Contains(txt, "[Reasoning]\n    The user wants") || !strings.Contains(txt, "[Answer]\nHere is Go code:") {
		t.Error("text reasoning not kept apart")
	}
	h := exportString(t, FormatHTML, false)
	if !strings.Contains(h, "<details class=\"reasoning\">\n<summary>Reasoning</summary>") {
		t.Error("html reasoning not in a details element")
	}
	if strings.Contains(exportString(t, FormatOpenAI, false), "tricky* content") {
		t.Error("openai export carries reasoning")
	}
}

func TestExportUnknownFormat(t *testing.T) {
	err := Export(context.Background(), &bytes.Buffer{}, fixture(), Format("pdf"), Options{})
	if err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"md": FormatMarkdown, "Markdown": FormatMarkdown, " json ": FormatJSON,
		"HTML": FormatHTML, "txt": FormatText, "openai": FormatOpenAI} {
		got, err := ParseFormat(in)
		if err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("docx"); err == nil || !strings.Contains(err.Error(), "markdown, json, html, text or openai") {
		t.Errorf("ParseFormat(docx) err = %v", err)
	}
}

func TestCurrentPathMatchesConversationPath(t *testing.T) {
	c := fixture()
	for _, cur := range []string{fid(16), fid(11), fid(13), "", "missing"} {
		c.CurrentID = cur
		if got, want := texts(currentPath(c)), texts(c.Path()); got != want {
			t.Errorf("current %q: path %q, want %q", cur, got, want)
		}
	}
}

func TestExportVeryLongConversation(t *testing.T) {
	c := simpleConv(1, "long")
	c.Messages = c.Messages[:0]
	parent := ""
	for i := 0; i < 50_000; i++ {
		m := conversation.Message{ID: fid(1_000_000 + i), ParentID: parent, Role: conversation.RoleUser, Content: conversation.TextContent("m"), Status: conversation.StatusComplete, CreatedAt: t0}
		c.Messages = append(c.Messages, m)
		parent = m.ID
	}
	c.CurrentID = parent
	var b bytes.Buffer
	if err := Export(context.Background(), &b, c, FormatText, Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "--- User"); n != 50_000 {
		t.Errorf("exported %d messages", n)
	}
}
