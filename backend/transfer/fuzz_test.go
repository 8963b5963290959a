package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// fuzzLimits keep each fuzz run small and fast.
var fuzzLimits = Limits{MaxConversationBytes: 1 << 20, MaxEntryBytes: 4 << 20, MaxTotalBytes: 8 << 20, MaxZipEntries: 200, MaxConversations: 200}

// fuzzImport runs Import on arbitrary bytes and checks what must hold for
// any input: no panic, the result agrees with what the sink received, every
// imported conversation is valid with fresh ids, every skip and error
// carries a readable reason.
func fuzzImport(t *testing.T, data []byte) {
	st := newFakeStore()
	atts := newFakeAttachments()
	res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "fuzz.json", st.save,
		ImportOptions{Limits: fuzzLimits, Now: fixedNow, Attachments: atts, FindSource: st.findSource})
	if res.Attachments != atts.puts {
		t.Fatalf("result counts %d attachments, the store got %d", res.Attachments, atts.puts)
	}
	for _, id := range st.order {
		for _, a := range attachmentsOf(st.convs[id]) {
			if _, ok := atts.data[a.ID]; !ok {
				t.Fatalf("conversation refers to attachment %s that was never stored", a.ID)
			}
		}
	}
	if len(res.Imported) != len(st.order) {
		t.Fatalf("result lists %d imported, sink got %d", len(res.Imported), len(st.order))
	}
	for i, id := range st.order {
		if res.Imported[i].ID != id {
			t.Fatalf("result item %d is %s, sink got %s", i, res.Imported[i].ID, id)
		}
		checkValidImport(t, st.convs[id])
	}
	for _, l := range append(res.Details(), res.Summary("fuzz.json")) {
		if !utf8.ValidString(l) || strings.ContainsAny(l, "\n\r") {
			t.Fatalf("detail is not one line of text: %q", l)
		}
	}
	for _, s := range res.Skipped {
		if s.Reason == "" || !utf8.ValidString(s.Reason) || !utf8.ValidString(s.Source) || !utf8.ValidString(s.Title) {
			t.Fatalf("skip without a readable reason: %+v", s)
		}
	}
	if err != nil && (err.Error() == "" || !utf8.ValidString(err.Error())) {
		t.Fatalf("unreadable error %q", err)
	}
}

// addSeeds adds the files of testdata dirs matching glob as seeds.
func addSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, err := filepath.Glob(filepath.Join("testdata", g))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// fuzzSeeds names, per fuzz target, the files of testdata copied into its
// seed corpus in testdata/fuzz (go test -run TestFuzzSeeds -update), so a
// plain go test runs them.
func fuzzSeeds() map[string][]string {
	return map[string][]string{
		"FuzzImportChatGPT": {"chatgpt/conversations.json", "hostile/deep-chatgpt.json", "hostile/wrong-types.json", "hostile/cycle-chatgpt.json",
			"hostile/invalid-utf8.json", "hostile/truncated.json", "hostile/absurd-timestamps.json", "hostile/xss-content.json",
			"chatgpt/vintage-2023-03.json", "chatgpt/vintage-2024-06.json", "chatgpt/vintage-2025-04.json", "chatgpt/branches.json",
			"hostile/canvas-hostile.json", "hostile/utf16-chatgpt.json"},
		"FuzzImportClaude": {"claude/conversations.json", "hostile/claude-wrong-types.json", "hostile/claude-cycle.json"},
		"FuzzImportMurmur": {"hostile/duplicate-ids.json", "hostile/cycle-murmur.json", "hostile/settings.json", "hostile/deep-object.json", "hostile/mismatched.json"},
		"FuzzImportOpenAI": {"hostile/unknown-role-openai.json", "hostile/request-body-with-key.json", "hostile/lone-surrogate.json",
			"hostile/bom-openai.json", "hostile/single-message.json", "hostile/scalar-list.json"},
		"FuzzImportZip": {"hostile/zip-slip.zip", "hostile/zip-encrypted.zip", "hostile/zip-mixed.zip", "hostile/zip-lying-size.zip", "hostile/zip-empty.zip",
			"hostile/zip-chatgpt-export.zip"},
	}
}

func TestFuzzSeeds(t *testing.T) {
	for target, files := range fuzzSeeds() {
		for _, name := range files {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			seed := filepath.Join("testdata", "fuzz", target, "seed-"+strings.NewReplacer("/", "-", ".", "-").Replace(name))
			want := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
			if *update {
				if err := os.MkdirAll(filepath.Dir(seed), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(seed, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(seed)
			if err != nil || string(got) != want {
				t.Errorf("seed %s is missing or stale (run go test -run TestFuzzSeeds -update): %v", seed, err)
			}
		}
	}
}

func FuzzImportChatGPT(f *testing.F) {
	f.Fuzz(fuzzImport)
}

func FuzzImportClaude(f *testing.F) {
	f.Fuzz(fuzzImport)
}

func FuzzImportMurmur(f *testing.F) {
	f.Add(murmurDoc("seed", "text"))
	// A JSON export that carries an attachment.
	atts := newFakeAttachments()
	a, _ := atts.PutAttachment(context.Background(), "photo.png", "image/png", pngBytes)
	c := simpleConv(70, "with a file")
	c.Messages[0].Content = conversation.Content{Parts: []conversation.Part{{Type: conversation.PartAttachment, Attachment: &a}}}
	var buf bytes.Buffer
	if err := Export(context.Background(), &buf, c, FormatJSON, Options{Attachments: atts}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(fuzzImport)
}

func FuzzImportOpenAI(f *testing.F) {
	f.Add([]byte(`[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"yo"}]}]`))
	f.Fuzz(fuzzImport)
}

func FuzzImportZip(f *testing.F) {
	f.Fuzz(fuzzImport)
}

// FuzzJSONScanner checks the streaming splitter against encoding/json: for
// a valid top-level array, it yields exactly the elements json.Unmarshal
// sees, byte for byte once compacted.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range []string{`[]`, `[1, "a\"]", {"b": [true, null]}, -2.5e3]`, ` [ [ [ ] ] , { } ] `, `["\\", "\u00e9"]`, "\xef\xbb\xbf[1]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '[' {
			return
		}
		var want []json.RawMessage
		if json.Unmarshal(body, &want) != nil || len(want) > 1000 {
			return
		}
		s := newJSONScanner(bytes.NewReader(data), 1<<20, 1000)
		c, err := s.peek()
		if err != nil || c != '[' {
			t.Fatalf("peek = %q, %v", c, err)
		}
		s.skipByte()
		var got [][]byte
		for i := 0; ; i++ {
			c, err := s.peek()
			if err != nil {
				t.Fatalf("peek: %v", err)
			}
			if c == ']' {
				break
			}
			if i > 0 {
				if c != ',' {
					t.Fatalf("expected a comma, got %q", c)
				}
				s.skipByte()
			}
			v, problem, err := s.value()
			if err != nil || problem != "" {
				t.Fatalf("value %d: %q %v", i, problem, err)
			}
			got = append(got, v)
		}
		if len(got) != len(want) {
			t.Fatalf("%d elements, json sees %d", len(got), len(want))
		}
		for i := range got {
			var a, b bytes.Buffer
			if json.Compact(&a, got[i]) != nil || json.Compact(&b, want[i]) != nil || a.String() != b.String() {
				t.Fatalf("element %d = %q, json sees %q", i, got[i], want[i])
			}
		}
		if _, err := s.peek(); err != nil && err != io.EOF {
			t.Fatalf("after the array: %v", err)
		}
	})
}

// FuzzRawString checks the fast JSON string unquoting against
// encoding/json on every valid JSON string.
func FuzzRawString(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\nb\t\"q\"\\\/"`, `"\u00e9\ud83d\ude00"`, `"\ud800 lone"`, `"\udc00\ud800"`, "\"bad \xff byte\"", `"\ud83d\u0041"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want string
		if json.Unmarshal(raw, &want) != nil || len(raw) == 0 || raw[0] != '"' {
			return
		}
		if got := rawString(raw); got != want {
			t.Fatalf("rawString(%q) = %q, encoding/json says %q", raw, got, want)
		}
	})
}
