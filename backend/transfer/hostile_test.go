package transfer

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

// murmurDoc returns a small valid Murmur document as JSON. Its id comes
// from the title, so that documents of different titles are different
// conversations (an import takes one id only once).
func murmurDoc(title, text string) []byte {
	h := fnv.New32a()
	h.Write([]byte(title))
	c := simpleConv(50+int(h.Sum32()%1_000_000), title)
	c.Messages[0].Content = conversation.TextContent(text)
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return b
}

// hostileZips builds the zip files of the hostile corpus. They are written
// to testdata/hostile with -update and read from there otherwise, so the
// corpus is plain files anyone can inspect or feed to the app.
func hostileZips() map[string][]byte {
	out := make(map[string][]byte)
	build := func(name string, fill func(zw *zip.Writer)) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		fill(zw)
		if err := zw.Close(); err != nil {
			panic(err)
		}
		out[name] = buf.Bytes()
	}
	add := func(zw *zip.Writer, name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write(data); err != nil {
			panic(err)
		}
	}
	build("zip-slip.zip", func(zw *zip.Writer) {
		for _, n := range []string{"../evil.json", "/abs.json", "a/../../b.json", `C:\win.json`, "c:/drive.json", "ctrl\x01.json"} {
			add(zw, n, murmurDoc("evil "+n, "should not be imported"))
		}
		add(zw, "ok/good.json", murmurDoc("good", "imported"))
	})
	build("zip-bomb-ratio.zip", func(zw *zip.Writer) {
		add(zw, "bomb.json", append(append([]byte("["), bytes.Repeat([]byte(" "), 20<<20)...), ']'))
		add(zw, "good.json", murmurDoc("good", "imported"))
	})
	build("zip-lying-size.zip", func(zw *zip.Writer) {
		// The header claims 100 bytes; the data unpacks to 1 MB.
		data := append(append([]byte(`[{"role":"user","content":"`), bytes.Repeat([]byte("a"), 1<<20)...), []byte(`"}]`)...)
		var comp bytes.Buffer
		fw := zip.NewWriter(&comp)
		w, _ := fw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Deflate})
		_, _ = w.Write(data)
		_ = fw.Close()
		zr, _ := zip.NewReader(bytes.NewReader(comp.Bytes()), int64(comp.Len()))
		raw, _ := zr.File[0].OpenRaw()
		var rawData bytes.Buffer
		_, _ = rawData.ReadFrom(raw)
		rw, err := zw.CreateRaw(&zip.FileHeader{Name: "liar.json", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
			CompressedSize64: uint64(rawData.Len()), UncompressedSize64: 100})
		if err != nil {
			panic(err)
		}
		_, _ = rw.Write(rawData.Bytes())
	})
	build("zip-many-entries.zip", func(zw *zip.Writer) {
		for i := 0; i < 30; i++ {
			add(zw, fmt.Sprintf("c%02d.json", i), murmurDoc(fmt.Sprint("c", i), "x"))
		}
	})
	build("zip-total.zip", func(zw *zip.Writer) {
		for i := 0; i < 3; i++ {
			add(zw, fmt.Sprintf("big%d.json", i), murmurDoc(fmt.Sprint("big", i), strings.Repeat(fmt.Sprint(i, "abcdefghij"), 40_000)))
		}
	})
	build("zip-encrypted.zip", func(zw *zip.Writer) {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "secret.json", Method: zip.Store, Flags: 0x1})
		_, _ = w.Write(murmurDoc("secret", "x"))
		add(zw, "good.json", murmurDoc("good", "imported"))
	})
	build("zip-mixed.zip", func(zw *zip.Writer) {
		add(zw, "notes/readme.md", []byte("# not a conversation"))
		add(zw, "settings.json", []byte(`{"format":"murmur.settings","api_key":"sk-HOSTILE"}`))
		add(zw, "chat.json", murmurDoc("chat", "imported"))
		add(zw, "inner.zip", []byte("PK\x03\x04 nested"))
	})
	build("zip-empty.zip", func(zw *zip.Writer) {})
	gptImageExport := func(ptr string) []byte {
		return []byte(`[{"title":"With an image","id":"img-1","current_node":"a","mapping":{
		"u":{"parent":null,"message":{"author":{"role":"user"},"content":{"content_type":"multimodal_text","parts":[{"content_type":"image_asset_pointer","asset_pointer":"` + ptr + `"},"What is this?"]}}},
		"a":{"parent":"u","message":{"author":{"role":"assistant"},"content":{"content_type":"text","parts":["A pixel."]}}}}}]`)
	}
	build("zip-chatgpt-export.zip", func(zw *zip.Writer) {
		add(zw, "conversations.json", gptImageExport("file-service://file-Px0000000000000000000001"))
		add(zw, "file-Px0000000000000000000001-pixel.png", pngBytes)
		add(zw, "user.json", []byte(`{"id":"user-1","email":"a@example.com"}`))
	})
	build("zip-attachment-bomb.zip", func(zw *zip.Writer) {
		add(zw, "conversations.json", gptImageExport("file-service://file-B0mb000000000000000000001"))
		add(zw, "file-B0mb000000000000000000001-bomb.png", append(append([]byte{}, pngBytes...), bytes.Repeat([]byte{0}, 20<<20)...))
	})
	return out
}

func TestHostileCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "hostile")
	if *update {
		for name, data := range hostileZips() {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		file     string
		lim      Limits
		err      string // substring of the returned error; "" for none
		imported int
		skips    []string // substrings of the skip reasons, in order
		notes    string   // substring of some note of an imported conversation
		kind     Kind     // the kind found, when it matters
	}{
		{file: "deep-array.json", skips: []string{"nested more than 64 levels deep"}},
		{file: "deep-object.json", skips: []string{"nested more than 64 levels deep"}},
		{file: "deep-chatgpt.json", imported: 2, skips: []string{"nested more than 64 levels deep"}, kind: KindChatGPT},
		{file: "wrong-types.json", imported: 1, skips: []string{`"mapping" is string where an object was expected`, `"title" is number where text was expected`, `"create_time" is string where a number was expected`, `"mapping.message.author.role" is number where text`}},
		{file: "invalid-utf8.json", imported: 1, notes: "invalid UTF-8 was replaced"},
		{file: "unknown-role-openai.json", skips: []string{`message 2 has unknown role "hacker"`}},
		{file: "duplicate-ids.json", skips: []string{`message id "m1" appears twice`}},
		{file: "cycle-murmur.json", skips: []string{"cycle"}},
		{file: "cycle-chatgpt.json", skips: []string{"its message tree has a cycle"}},
		{file: "settings.json", skips: []string{`it is a "murmur.settings" document, not a conversation`}},
		{file: "truncated.json", imported: 1, err: "the file ends too early"},
		{file: "garbage.txt", err: "it is not a conversation file Murmur knows"},
		{file: "empty-list.json", err: "it holds an empty list"},
		{file: "empty.json", err: "the file is empty"},
		{file: "absurd-timestamps.json", imported: 1},
		{file: "bom-openai.json", imported: 1, kind: KindOpenAI},
		{file: "lone-surrogate.json", imported: 1},
		{file: "mismatched.json", err: "not valid JSON"},
		{file: "scalar-list.json", skips: []string{"holds a number", "holds a string", "holds null"}},
		{file: "big-conversation.json", lim: Limits{MaxConversationBytes: 4096}, skips: []string{"more than the 4 KB allowed"}},
		{file: "big-conversation.json", lim: Limits{MaxFileBytes: 1000}, err: "more than the 1000 bytes an import accepts"},
		{file: "single-message.json", skips: []string{"a single message, not a conversation"}},
		{file: "request-body-with-key.json", imported: 1},
		{file: "xss-content.json", imported: 1},
		{file: "zip-slip.zip", imported: 1, skips: []string{"climbs out", "absolute path", "climbs out", "backslash", "absolute path", "control characters"}},
		{file: "zip-bomb-ratio.zip", imported: 1, skips: []string{"the mark of a zip bomb"}},
		{file: "zip-lying-size.zip", skips: []string{"unpacks to more than its header says"}},
		{file: "zip-many-entries.zip", lim: Limits{MaxZipEntries: 20}, err: "the zip has 30 entries, more than the 20"},
		{file: "zip-many-entries.zip", lim: Limits{MaxConversations: 5}, imported: 5, skips: []string{"at most 5 conversations"}, kind: KindMurmurZip},
		{file: "zip-total.zip", lim: Limits{MaxTotalBytes: 1 << 20}, imported: 2, skips: []string{"unpack to more than the 1 MB"}},
		{file: "zip-encrypted.zip", imported: 1, skips: []string{"encrypted"}},
		{file: "zip-mixed.zip", kind: KindMurmurZip, imported: 1, skips: []string{`"murmur.settings" document, not a conversation`}},
		{file: "zip-empty.zip", err: "the zip holds no conversation files"},
		{file: "zip-chatgpt-export.zip", imported: 1, kind: KindChatGPT},
		{file: "zip-attachment-bomb.zip", imported: 1, kind: KindChatGPT, notes: "1 image or file in the export not imported (it is compressed more than 200 to 1, the mark of a zip bomb)"},
		{file: "utf16-chatgpt.json", imported: 1, kind: KindChatGPT},
		{file: "deepseek.json", err: "it looks like a DeepSeek export, which Murmur cannot import yet"},
		{file: "claude-wrong-types.json", imported: 1, kind: KindClaude, skips: []string{`"name" is number where text was expected`, `"chat_messages" is string where a list was expected`, `"chat_messages.sender" is number where text`},
			notes: "1 artifact edit could not be applied"},
		{file: "claude-cycle.json", kind: KindClaude, skips: []string{"its message tree has a cycle"}},
		{file: "canvas-hostile.json", imported: 1, kind: KindChatGPT, notes: "2 canvas edits could not be applied"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			st := newFakeStore()
			res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), tc.file, st.save, ImportOptions{Limits: tc.lim, Now: fixedNow, Attachments: newFakeAttachments()})
			t.Logf("err: %v", err)
			for _, s := range res.Skipped {
				t.Logf("skipped %s #%d %q: %s", s.Source, s.Index, s.Title, s.Reason)
			}
			for _, it := range res.Imported {
				t.Logf("imported %s %q: %d messages, notes %q", it.Source, it.Title, it.Messages, it.Notes)
			}
			if tc.err == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.err)
			}
			if len(res.Imported) != tc.imported || len(st.order) != tc.imported {
				t.Errorf("imported %d (sink got %d), want %d; skipped: %+v", len(res.Imported), len(st.order), tc.imported, res.Skipped)
			}
			if len(res.Skipped) != len(tc.skips) {
				t.Errorf("skipped %d, want %d: %+v", len(res.Skipped), len(tc.skips), res.Skipped)
			} else {
				for i, want := range tc.skips {
					if !strings.Contains(res.Skipped[i].Reason, want) {
						t.Errorf("skip %d reason = %q, want it to contain %q", i, res.Skipped[i].Reason, want)
					}
				}
			}
			if tc.kind != "" && res.Kind != tc.kind {
				t.Errorf("kind = %q, want %q", res.Kind, tc.kind)
			}
			if tc.notes != "" && !hasNote(res, tc.notes) {
				t.Errorf("no note contains %q: %+v", tc.notes, res.Imported)
			}
			for _, id := range st.order {
				checkImported(t, st.convs[id])
			}
		})
	}
}

func hasNote(res Result, s string) bool {
	for _, it := range res.Imported {
		for _, n := range it.Notes {
			if strings.Contains(n, s) {
				return true
			}
		}
	}
	return false
}

// checkImported asserts what must hold for every imported conversation:
// valid, a fresh Murmur id, no provider, no unknown fields, no secret from
// the input, and a JSON form the store can write and read back.
func checkImported(t testing.TB, c *conversation.Conversation) {
	t.Helper()
	b := checkValidImport(t, c)
	for _, s := range []string{"sk-HOSTILE", "evil.example", "api_key", "base_url"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("imported conversation carries %q", s)
		}
	}
}

// checkValidImport asserts the invariants of any imported conversation and
// returns its JSON.
func checkValidImport(t testing.TB, c *conversation.Conversation) []byte {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Errorf("imported conversation does not validate: %v", err)
	}
	if strings.HasPrefix(c.ID, fixtureIDPrefix) || !conversation.ValidID(c.ID) {
		t.Errorf("imported conversation id %q is not fresh", c.ID)
	}
	for _, m := range c.Messages {
		if !conversation.ValidID(m.ID) || m.Extra != nil {
			t.Errorf("message %q kept a foreign id or unknown fields", m.ID)
		}
	}
	if c.ProviderID != "" || c.Extra != nil {
		t.Errorf("imported conversation carries provider %q or extra %v", c.ProviderID, c.Extra)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal imported conversation: %v", err)
	}
	var back conversation.Conversation
	if err := json.Unmarshal(b, &back); err != nil || back.Validate() != nil {
		t.Errorf("imported conversation does not survive a JSON round trip: %v", err)
	}
	return b
}
