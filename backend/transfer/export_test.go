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
	for _, f := range []Format{FormatMarkdown, FormatText, FormatHTML} {
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

// The Murmur JSON export and the zip of it are backups: they keep every
// branch whatever the options say (issue 10: a 5-message conversation with
// branches came back as 2 messages).
func TestBackupsKeepEveryBranch(t *testing.T) {
	ctx := context.Background()
	want := fixture()
	check := func(t *testing.T, what string, got *conversation.Conversation) {
		t.Helper()
		if len(got.Messages) != len(want.Messages) {
			t.Fatalf("%s: %d messages came back, want all %d", what, len(got.Messages), len(want.Messages))
		}
		if texts(got.Path()) != texts(want.Path()) {
			t.Errorf("%s: the current branch changed", what)
		}
		if sib := got.Siblings(got.Path()[1].ID); len(sib) != 2 {
			t.Errorf("%s: the regenerated reply lost its alternative (siblings %v)", what, sib)
		}
	}
	for _, all := range []bool{false, true} {
		var b bytes.Buffer
		if err := Export(ctx, &b, fixture(), FormatJSON, Options{AllBranches: all, Now: fixedNow}); err != nil {
			t.Fatal(err)
		}
		_, st, err := importBytes(t, b.Bytes(), "backup.json", ImportOptions{})
		if err != nil || len(st.order) != 1 {
			t.Fatalf("import the JSON export: %v", err)
		}
		check(t, "JSON export", st.convs[st.order[0]])

		src := newFakeStore(fixture())
		var z bytes.Buffer
		if _, err := ExportZip(ctx, &z, src.order, src.load, FormatJSON, Options{AllBranches: all, Now: fixedNow}, nil); err != nil {
			t.Fatal(err)
		}
		files := readZip(t, z.Bytes())
		if idx := files[IndexName(FormatJSON)]; !strings.Contains(idx, "7 messages") {
			t.Errorf("the backup index does not count every message:\n%s", idx)
		}
		_, st, err = importBytes(t, z.Bytes(), "backup.zip", ImportOptions{})
		if err != nil || len(st.order) != 1 {
			t.Fatalf("import the backup zip: %v", err)
		}
		check(t, "backup zip", st.convs[st.order[0]])
	}
	// Readable formats keep the current branch unless asked.
	src := newFakeStore(fixture())
	var z bytes.Buffer
	if _, err := ExportZip(ctx, &z, src.order, src.load, FormatMarkdown, Options{Now: fixedNow}, nil); err != nil {
		t.Fatal(err)
	}
	for name, body := range readZip(t, z.Bytes()) {
		if strings.HasSuffix(name, ".md") && name != IndexName(FormatMarkdown) && strings.Contains(body, "First try") {
			t.Errorf("%s: the readable zip holds another branch by default", name)
		}
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
