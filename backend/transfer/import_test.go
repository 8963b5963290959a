package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"murmur/backend/conversation"
)

func importBytes(t *testing.T, data []byte, name string, opts ImportOptions) (Result, *fakeStore, error) {
	t.Helper()
	st := newFakeStore()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), name, st.save, opts)
	for _, id := range st.order {
		checkImported(t, st.convs[id])
	}
	return res, st, err
}

func TestImportChatGPTExport(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "chatgpt", "conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, st, err := importBytes(t, data, "conversations.json", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != KindChatGPT || len(res.Imported) != 2 || len(res.Skipped) != 1 {
		t.Fatalf("kind %q, imported %+v, skipped %+v", res.Kind, res.Imported, res.Skipped)
	}
	if s := res.Skipped[0]; s.Index != 3 || s.Title != "Only system noise" || !strings.Contains(s.Reason, "no user or assistant messages") {
		t.Errorf("skip = %+v", s)
	}

	c := st.convs[st.order[0]]
	// ChatGPT's model names stay on the messages; the conversation goes on
	// with the user's own default.
	if c.Title != "Python help" || c.Model != "" {
		t.Errorf("title %q model %q", c.Title, c.Model)
	}
	if c.Source == nil || *c.Source != (conversation.Source{Service: conversation.SourceChatGPT, ID: "c1", UpdatedAt: time.Date(2025, 1, 1, 1, 0, 0, 500e6, time.UTC)}) {
		t.Errorf("source = %+v", c.Source)
	}
	if want := time.Date(2025, 1, 1, 0, 0, 0, 123e6, time.UTC); !c.CreatedAt.Equal(want) {
		t.Errorf("created %v, want %v", c.CreatedAt, want)
	}
	if want := time.Date(2025, 1, 1, 1, 0, 0, 500e6, time.UTC); !c.UpdatedAt.Equal(want) {
		t.Errorf("updated %v, want %v", c.UpdatedAt, want)
	}
	path := c.Path()
	// The image-only part keeps its place; the Code Interpreter run is kept
	// as code and output in the reply around it.
	want := "user:" + placeholderImage + "\n\nWhat does this code print?\n\n```python\nprint(sum(range(10)))\n```" +
		"|assistant:```python\nprint(sum(range(10)))\n```\n\nOutput:\n\n```\n45\n```\n\nIt prints **45**.|user:Thanks! مرحبا 🎉"
	if texts(path) != want {
		t.Errorf("path = %q\nwant   %q", texts(path), want)
	}
	if len(path) == 3 {
		if path[1].Model != "o3" || path[1].Reasoning != "**Summing**\n\n0+1+...+9 = 45" {
			t.Errorf("assistant model %q reasoning %q", path[1].Model, path[1].Reasoning)
		}
		if !path[0].CreatedAt.Equal(time.Unix(1735689602, 0)) || !path[2].CreatedAt.Equal(time.Unix(1735693200, 0)) {
			t.Errorf("message times %v, %v", path[0].CreatedAt, path[2].CreatedAt)
		}
		// The earlier answer is an alternative of the current one.
		sib := c.Siblings(path[1].ID)
		if len(sib) != 2 || c.Message(sib[0]).Content.Text != "OLD BRANCH answer" || c.Message(sib[0]).Model != "gpt-4" {
			t.Errorf("alternatives of the reply: %v", sib)
		}
	}
	if strings.Contains(c.Text(), "I am a cat") {
		t.Error("imported the hidden custom instructions")
	}
	notes := strings.Join(res.Imported[0].Notes, "; ")
	if !strings.Contains(notes, "1 image or file is not included in the export") || strings.Contains(notes, "hidden") {
		t.Errorf("notes = %q", notes)
	}
	// What ChatGPT does not show either is counted once for the file.
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "2 messages that ChatGPT does not show") {
		t.Errorf("file notes = %q", res.Notes)
	}

	c2 := st.convs[st.order[1]]
	if c2.Title != "Untitled question about <script>tags</script>" || c2.Model != "" || c2.Source == nil || !strings.HasPrefix(c2.Source.ID, "sha256:") {
		t.Errorf("second: title %q model %q source %+v", c2.Title, c2.Model, c2.Source)
	}
	if got := texts(c2.Path()); got != "user:Untitled question about <script>tags</script>|assistant:Regenerated answer." {
		t.Errorf("second path (no current_node: newest leaf) = %q", got)
	}
	if sib := c2.Siblings(c2.Path()[1].ID); len(sib) != 2 || c2.Message(sib[0]).Model != "text-davinci-002-render-sha" {
		t.Errorf("second: the first answer is not kept as an alternative: %v", sib)
	}
	if !strings.Contains(strings.Join(res.Imported[1].Notes, ";"), `unknown roles ("critic")`) {
		t.Errorf("second notes = %q", res.Imported[1].Notes)
	}
}

func TestImportChatGPTZipReadsOnlyConversationsJSON(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "chatgpt", "conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	z := makeZip(t, map[string][]byte{
		"conversations.json":         data,
		"user.json":                  []byte(`{"id":"user-1","email":"a@example.com"}`),
		"message_feedback.json":      []byte(`[]`),
		"chat.html":                  []byte("<html><script>x</script></html>"),
		"file-abc.png":               {0x89, 'P', 'N', 'G'},
		"dalle-generations/img.webp": {1, 2, 3},
	})
	res, _, err := importBytes(t, z, "export.zip", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != KindChatGPT || len(res.Imported) != 2 || len(res.Skipped) != 1 || res.Ignored != 5 {
		t.Errorf("kind %q imported %d skipped %+v ignored %d", res.Kind, len(res.Imported), res.Skipped, res.Ignored)
	}
}

func TestImportMurmurRoundTripKeepsTree(t *testing.T) {
	var buf bytes.Buffer
	if err := Export(context.Background(), &buf, fixture(), FormatJSON, Options{AllBranches: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	res, st, err := importBytes(t, buf.Bytes(), "tricky.json", ImportOptions{})
	if err != nil || len(res.Imported) != 1 || res.Kind != KindMurmur {
		t.Fatalf("err %v, result %+v", err, res)
	}
	got, want := st.convs[st.order[0]], fixture()
	if got.ID == want.ID || len(got.Messages) != len(want.Messages) {
		t.Fatalf("id %s, %d messages", got.ID, len(got.Messages))
	}
	if texts(got.Path()) != texts(want.Path()) || got.Title != want.Title || *got.SystemPrompt != *want.SystemPrompt {
		t.Error("current path, title or system prompt changed in the round trip")
	}
	// The alternative reply is still an alternative of the same message.
	sib := got.Siblings(got.Path()[1].ID)
	if len(sib) != 2 || got.Message(sib[0]).Content.Text != "First try: short answer." {
		t.Errorf("siblings of the tricky reply = %v", sib)
	}
	if m := got.Path()[1]; m.Reasoning != want.Path()[1].Reasoning || m.Model != "swarms/claude" || !m.CreatedAt.Equal(want.Path()[1].CreatedAt) {
		t.Error("reasoning, model or time changed in the round trip")
	}
}

func TestImportMurmurDropsUnknownFieldsAndProvider(t *testing.T) {
	c := fixture()
	c.Messages[4].Status = conversation.StatusStreaming
	raw, err := json.Marshal(c) // the stored form, with provider and unknown fields
	if err != nil {
		t.Fatal(err)
	}
	res, st, err := importBytes(t, raw, "raw.json", ImportOptions{})
	if err != nil || len(res.Imported) != 1 {
		t.Fatalf("err %v result %+v", err, res)
	}
	notes := strings.Join(res.Imported[0].Notes, "; ")
	if !strings.Contains(notes, `"api_key", "authorization"`) || !strings.Contains(notes, "1 reply was still being written") {
		t.Errorf("notes = %q", notes)
	}
	got := st.convs[st.order[0]]
	if got.Path()[3].Status != conversation.StatusInterrupted {
		t.Errorf("streaming message imported as %q", got.Path()[3].Status)
	}
}

func TestImportTwiceNeverOverwrites(t *testing.T) {
	doc := murmurDoc("same", "text")
	st := newFakeStore()
	for i := 0; i < 2; i++ {
		if _, err := Import(context.Background(), bytes.NewReader(doc), int64(len(doc)), "a.json", st.save, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(st.order) != 2 || st.order[0] == st.order[1] {
		t.Fatalf("ids after importing twice: %v", st.order)
	}
}

func TestImportOpenAIMessages(t *testing.T) {
	in := `[
	 {"role":"system","content":"Be terse."},
	 {"role":"developer","content":"Use metric units."},
	 {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},{"type":"input_audio","input_audio":{"data":"x"}}]},
	 {"role":"assistant","content":null,"tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{}"}}]},
	 {"role":"tool","tool_call_id":"1","content":"42"},
	 {"role":"assistant","content":"A picture.","reasoning_content":"Looked at it."},
	 {"role":"system","content":"Mid-conversation note."},
	 {"role":"user","content":"Thanks"}
	]`
	res, st, err := importBytes(t, []byte(in), "messages.json", ImportOptions{})
	if err != nil || res.Kind != KindOpenAI || len(res.Imported) != 1 {
		t.Fatalf("err %v result %+v", err, res)
	}
	c := st.convs[st.order[0]]
	if c.SystemPrompt == nil || *c.SystemPrompt != "Be terse.\n\nUse metric units." {
		t.Errorf("system prompt = %v", c.SystemPrompt)
	}
	if got := texts(c.Path()); got != "user:What is this?|assistant:A picture.|system:Mid-conversation note.|user:Thanks" {
		t.Errorf("path = %q", got)
	}
	if p := c.Path(); len(p[0].Content.Parts) != 2 || p[1].Reasoning != "Looked at it." {
		t.Errorf("parts %+v reasoning %q", p[0].Content.Parts, p[1].Reasoning)
	}
	if c.Title != "What is this?" {
		t.Errorf("title = %q", c.Title)
	}
	notes := strings.Join(res.Imported[0].Notes, "; ")
	if !strings.Contains(notes, "2 tool messages and tool calls left out") || !strings.Contains(notes, "1 empty or unsupported part left out") {
		t.Errorf("notes = %q", notes)
	}
}

func TestImportOpenAIRequestBodyKeepsOnlyModelAndMessages(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "hostile", "request-body-with-key.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := importBytes(t, data, "body.json", ImportOptions{})
	if err != nil || len(st.order) != 1 {
		t.Fatalf("err %v, %d imported", err, len(st.order))
	}
	if c := st.convs[st.order[0]]; c.Model != "gpt-x" || c.Path()[1].Model != "gpt-x" {
		t.Errorf("model = %q", c.Model)
	}
}

func TestImportProgress(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "chatgpt", "conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var calls []Progress
	_, _, err = importBytes(t, data, "c.json", ImportOptions{Progress: func(p Progress) { calls = append(calls, p) }})
	if err != nil {
		t.Fatal(err)
	}
	last := calls[len(calls)-1]
	if last.Done != int64(len(data)) || last.Total != int64(len(data)) || last.Imported != 2 || last.Skipped != 1 {
		t.Errorf("last progress = %+v", last)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].Done < calls[i-1].Done {
			t.Errorf("progress went backwards: %+v", calls)
		}
	}
}

func TestImportStopsWhenTheSinkFails(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "chatgpt", "conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	diskFull := errors.New("disk full")
	calls := 0
	res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "c.json", func(context.Context, *conversation.Conversation) error {
		calls++
		return diskFull
	}, ImportOptions{})
	if !errors.Is(err, diskFull) || !strings.Contains(err.Error(), `save conversation "Python help"`) {
		t.Errorf("err = %v", err)
	}
	if calls != 1 || len(res.Imported) != 0 {
		t.Errorf("sink called %d times, %d reported imported", calls, len(res.Imported))
	}
}

func TestImportStopsOnCancel(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "chatgpt", "conversations.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	res, err := Import(ctx, bytes.NewReader(data), int64(len(data)), "c.json", func(context.Context, *conversation.Conversation) error {
		cancel()
		return nil
	}, ImportOptions{})
	if !errors.Is(err, context.Canceled) || len(res.Imported) != 1 {
		t.Errorf("err %v, imported %d", err, len(res.Imported))
	}
}

func TestImportChatGPTVoiceAndSplitExport(t *testing.T) {
	conv := func(title, part string) string {
		return `[{"title":"` + title + `","create_time":1735689600,"current_node":"b","mapping":{
		"a":{"parent":null,"message":{"author":{"role":"user"},"content":{"content_type":"multimodal_text","parts":[` + part + `]}}},
		"b":{"parent":"a","message":{"author":{"role":"assistant"},"content":{"content_type":"text","parts":["ok"]},"metadata":{"model_slug":"gpt-4o"}}}}}]`
	}
	z := makeZip(t, map[string][]byte{
		"conversations-000.json": []byte(conv("voice", `{"content_type":"audio_transcription","text":"spoken words","direction":"in"},{"content_type":"audio_asset_pointer","asset_pointer":"sediment://x"}`)),
		"conversations-001.json": []byte(conv("typed", `"typed words"`)),
		"conversations-x.json":   []byte(`{"not":"read"}`),
		"user.json":              []byte(`{}`),
	})
	res, st, err := importBytes(t, z, "split.zip", ImportOptions{})
	if err != nil || res.Kind != KindChatGPT || len(st.order) != 2 || res.Ignored != 2 {
		t.Fatalf("err %v kind %q imported %d ignored %d skipped %+v", err, res.Kind, len(st.order), res.Ignored, res.Skipped)
	}
	if got := texts(st.convs[st.order[0]].Path()); got != "user:spoken words|assistant:ok" {
		t.Errorf("voice conversation = %q", got)
	}
	if !strings.Contains(strings.Join(res.Imported[0].Notes, ";"), "1 voice recording left out; the transcripts are kept") {
		t.Errorf("notes = %q", res.Imported[0].Notes)
	}
}

func TestHostileImportsStayLinear(t *testing.T) {
	t.Run("a million alike bad entries are one reason", func(t *testing.T) {
		data := []byte("[" + strings.Repeat("1,", 200_000) + "1]")
		res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "many.json",
			func(context.Context, *conversation.Conversation) error { return nil }, ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), "none of its 200001 entries is a conversation: the list holds a number") {
			t.Fatalf("err = %v", err)
		}
		if len(res.Skipped) != 0 || res.MoreSkipped != 0 {
			t.Fatalf("listed %d, counted %d more", len(res.Skipped), res.MoreSkipped)
		}
	})
	t.Run("a million different bad entries are counted, not listed", func(t *testing.T) {
		data := []byte("[" + strings.Repeat(`1,"x",`, 100_000) + "1]")
		res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "many.json",
			func(context.Context, *conversation.Conversation) error { return nil }, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Skipped) != MaxSkipsListed || res.MoreSkipped != 200_001-MaxSkipsListed {
			t.Fatalf("listed %d, counted %d more", len(res.Skipped), res.MoreSkipped)
		}
	})
	t.Run("a reply that branches at every step", func(t *testing.T) {
		// 10,000 reply parts in a row, each with a second ending: repeating
		// the shared start in every branch would be quadratic; the budget
		// keeps the copies within a few times the input.
		var b strings.Builder
		b.WriteString(`[{"title":"forks","id":"f","current_node":"a10000","mapping":{`)
		b.WriteString(`"u":{"message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["q"]}},"parent":null}`)
		for i := 1; i <= 10000; i++ {
			parent := "u"
			if i > 1 {
				parent = fmt.Sprintf("a%d", i-1)
			}
			fmt.Fprintf(&b, `,"a%d":{"message":{"author":{"role":"assistant"},"create_time":%d,"content":{"content_type":"text","parts":["step %d"]}},"parent":"%s"}`, i, 1700000000+2*i, i, parent)
			fmt.Fprintf(&b, `,"b%d":{"message":{"author":{"role":"assistant"},"create_time":%d,"content":{"content_type":"text","parts":["ending %d"]}},"parent":"%s"}`, i, 1700000001+2*i, i, parent)
		}
		b.WriteString(`}}]`)
		data := []byte(b.String())
		var got *conversation.Conversation
		res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "conversations.json",
			func(_ context.Context, c *conversation.Conversation) error { got = c; return nil }, ImportOptions{})
		if err != nil || len(res.Imported) != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		total := 0
		for _, m := range got.Messages {
			total += len(m.Content.Text)
		}
		if total > 4*len(data) || len(got.Messages) > 20002 {
			t.Fatalf("%d messages, %d bytes of text from %d bytes of input", len(got.Messages), total, len(data))
		}
		if !strings.Contains(strings.Join(res.Imported[0].Notes, ";"), "branch in the middle kept with their shared start") {
			t.Errorf("notes = %q", res.Imported[0].Notes)
		}
		if p := got.Path(); !strings.HasSuffix(p[len(p)-1].Content.Text, "step 10000") {
			t.Errorf("the current branch does not end with the last step")
		}
	})
	t.Run("thousands of thoughts and same-author parts", func(t *testing.T) {
		// 20,000 nodes in one branch alternating thoughts and assistant text,
		// all joined into one reply (built with strings.Builder, since
		// repeated concatenation is quadratic in the number of parts).
		var b strings.Builder
		b.WriteString(`[{"title":"big","current_node":"n20000","mapping":{`)
		b.WriteString(`"n0":{"id":"n0","message":{"author":{"role":"user"},"content":{"content_type":"text","parts":["q"]}},"parent":null}`)
		for i := 1; i <= 20000; i++ {
			content := `{"content_type":"text","parts":["part"]}`
			if i%2 == 1 {
				content = `{"content_type":"thoughts","thoughts":[{"summary":"s","content":"thinking"}]}`
			}
			fmt.Fprintf(&b, `,"n%d":{"id":"n%d","message":{"author":{"role":"assistant"},"content":%s},"parent":"n%d"}`, i, i, content, i-1)
		}
		b.WriteString(`}}]`)
		data := []byte(b.String())
		var got *conversation.Conversation
		res, err := Import(context.Background(), bytes.NewReader(data), int64(len(data)), "conversations.json",
			func(_ context.Context, c *conversation.Conversation) error { got = c; return nil }, ImportOptions{})
		if err != nil || len(res.Imported) != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		reply := got.Messages[len(got.Messages)-1]
		if n := strings.Count(reply.Content.Text, "part"); n != 10000 {
			t.Fatalf("joined reply holds %d parts, want 10000", n)
		}
	})
}
