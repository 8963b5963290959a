package transfer

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"murmur/backend/conversation"
)

func TestResultSummaryAndDetails(t *testing.T) {
	r := Result{
		Kind: KindChatGPT,
		Imported: []Item{
			{ID: "a", Title: "One", Source: "c.json #1", Messages: 1},
			{ID: "b", Title: "Two\nlines", Source: "c.json #2", Messages: 4, Notes: []string{"1 hidden message left out", "2 tool steps left out"}},
			{ID: "c", Title: "Three", Source: "c.json #3", Messages: 2, Replaced: true},
		},
		Skipped:         []Skip{{Source: "c.json", Index: 4, Title: "Broken", Reason: "not imported: its message tree has a cycle"}},
		MoreSkipped:     2,
		AlreadyImported: 192,
		Attachments:     1,
		Notes:           []string{"c.json is UTF-16 text; it was read as such"},
	}
	want := "c.json (ChatGPT export): 2 conversations imported, 1 older import replaced, 3 skipped, already imported: 192, 1 attachment; 1 with notes, 1 note on the file"
	if got := r.Summary("c.json"); got != want {
		t.Errorf("Summary =\n  %q\nwant\n  %q", got, want)
	}
	details := r.Details()
	wantDetails := []string{
		"note: c.json is UTF-16 text; it was read as such",
		`imported "Two lines" (c.json #2): 1 hidden message left out; 2 tool steps left out`,
		`imported "Three" (c.json #3): replaced its older import`,
		`skipped c.json #4 "Broken": its message tree has a cycle`,
		"… and 2 more items skipped (not listed)",
	}
	if strings.Join(details, "\n") != strings.Join(wantDetails, "\n") {
		t.Errorf("Details =\n%s\nwant\n%s", strings.Join(details, "\n"), strings.Join(wantDetails, "\n"))
	}
	one := Result{Kind: KindClaude, Imported: []Item{{Title: "x", Messages: 1}}}
	if got := one.Summary(""); got != "the file (Claude export): 1 conversation imported" {
		t.Errorf("singular summary = %q", got)
	}
	for _, l := range append(details, r.Summary("a\nb\xff")) {
		if strings.ContainsAny(l, "\n\r") || !utf8.ValidString(l) {
			t.Errorf("not one line of text: %q", l)
		}
	}
}

// Every note an import makes reaches Details, and an error names what was
// being done once ("read X: …", never "import X: import X: …").
func TestImportNotesReachDetailsAndErrorsDoNotStutter(t *testing.T) {
	data, name := fixtureBytes(t, "chatgpt/vintage-2024-06.json")
	res, _, err := importBytes(t, data, name, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(res.Details(), "\n")
	for _, it := range res.Imported {
		for _, n := range it.Notes {
			if !strings.Contains(joined, n) {
				t.Errorf("note %q is not in the details", n)
			}
		}
	}
	_, err = Import(context.Background(), bytes.NewReader([]byte("[{")), 2, "cut.json", func(context.Context, *conversation.Conversation) error { return nil }, ImportOptions{})
	if err == nil || err.Error() != "read cut.json: the file ends too early (cut off, or not JSON); what came before it was imported" {
		t.Errorf("err = %v", err)
	}
}

func TestImportUTF16(t *testing.T) {
	src := `[{"role":"user","content":"héllo 🎉"},{"role":"assistant","content":"hi"}]`
	enc := func(bom bool, big bool) []byte {
		var b []byte
		if bom {
			if big {
				b = append(b, 0xFE, 0xFF)
			} else {
				b = append(b, 0xFF, 0xFE)
			}
		}
		for _, r := range utf16Units(src) {
			if big {
				b = append(b, byte(r>>8), byte(r))
			} else {
				b = append(b, byte(r), byte(r>>8))
			}
		}
		return b
	}
	for _, tc := range []struct {
		name     string
		bom, big bool
	}{{"LE with BOM", true, false}, {"BE with BOM", true, true}, {"LE without BOM", false, false}, {"BE without BOM", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			res, st, err := importBytes(t, enc(tc.bom, tc.big), "unicode.json", ImportOptions{})
			if err != nil || len(st.order) != 1 {
				t.Fatalf("err %v, %d imported", err, len(st.order))
			}
			if got := texts(st.convs[st.order[0]].Path()); got != "user:héllo 🎉|assistant:hi" {
				t.Errorf("text = %q", got)
			}
			if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "UTF-16") {
				t.Errorf("notes = %q", res.Notes)
			}
		})
	}
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

// A file from a service Murmur does not read is refused as a whole, with
// the service it looks like, not with one line per entry.
func TestImportNamesUnsupportedServices(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"deepseek", `[{"id":"x","title":"t","inserted_at":"2025-01-01T00:00:00","updated_at":"2025-01-01T00:00:00","mapping":{"root":{"id":"root","parent":null,"children":[],"message":null}}}]`, "a DeepSeek export"},
		{"gemini", `[{"header":"Gemini Apps","title":"Prompted hello","time":"2025-01-01T00:00:00Z","products":["Gemini Apps"]}]`, "Gemini activity from Google Takeout"},
		{"ai studio", `{"runSettings":{"model":"models/gemini-2.5-pro"},"chunkedPrompt":{"chunks":[{"text":"hi","role":"user"}]}}`, "a Google AI Studio prompt"},
		{"open webui", `[{"id":"1","user_id":"u","title":"t","chat":{"history":{"messages":{}}}}]`, "an Open WebUI export"},
		{"librechat", `{"conversationId":"c","title":"t","messages":[{"messageId":"m","sender":"User","text":"hi"}]}`, "a LibreChat export"},
		{"claude projects", `[{"uuid":"p","name":"n","prompt_template":"","docs":[]}]`, "Claude's projects.json"},
		{"unknown objects", `[{"a":1},{"a":2},{"a":3}]`, "none of its 3 entries is a conversation: it is a JSON object Murmur does not know"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, st, err := importBytes(t, []byte(tc.data), "export.json", ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
			if len(st.order) != 0 || len(res.Skipped) != 0 {
				t.Errorf("imported %d, skipped %+v", len(st.order), res.Skipped)
			}
		})
	}
}
