package conversation

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func msg(role Role, text string) Message {
	return Message{Role: role, Content: TextContent(text), Status: StatusComplete, CreatedAt: t0}
}

func texts(ms []Message) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Content.PlainText())
	}
	return strings.Join(s, "|")
}

func TestUnknownFieldsSurviveRoundTrip(t *testing.T) {
	in := `{"format":"murmur.conversation","version":1,"id":"0190f3a0-0000-7000-8000-000000000001",
	"title":"t","created_at":"2026-11-28T12:00:00Z","updated_at":"2026-11-28T12:00:00Z","params":{},
	"future_field":{"a":[1,2]},"messages":[{"id":"m1","role":"user","content":"hi","status":"complete",
	"created_at":"2026-11-28T12:00:00Z","rating":5}]}`
	var c Conversation
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Title = "renamed"
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back["title"] != "renamed" {
		t.Errorf("title = %v", back["title"])
	}
	if _, ok := back["future_field"]; !ok {
		t.Errorf("unknown conversation field lost: %s", out)
	}
	m := back["messages"].([]any)[0].(map[string]any)
	if m["rating"] != float64(5) {
		t.Errorf("unknown message field lost: %s", out)
	}
}

func TestContentStringOrParts(t *testing.T) {
	for _, tc := range []struct {
		in, plain, out string
	}{
		{`"hello"`, "hello", `"hello"`},
		{`null`, "", `""`},
		{`[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x"}},{"type":"text","text":"b"}]`, "a\n\nb",
			`[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x"}},{"type":"text","text":"b"}]`},
	} {
		var c Content
		if err := json.Unmarshal([]byte(tc.in), &c); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if c.PlainText() != tc.plain {
			t.Errorf("%s: plain %q, want %q", tc.in, c.PlainText(), tc.plain)
		}
		out, _ := json.Marshal(c)
		if string(out) != tc.out {
			t.Errorf("%s: marshalled %s, want %s", tc.in, out, tc.out)
		}
	}
	var c Content
	if err := json.Unmarshal([]byte(`42`), &c); err == nil {
		t.Error("a number was accepted as content")
	}
}

func TestTreeKeepsAlternatives(t *testing.T) {
	c := New(t0)
	u1 := c.Append(msg(RoleUser, "q1")).ID
	a1 := c.Append(msg(RoleAssistant, "a1")).ID
	// Regenerate: a second reply under the same prompt.
	a1b := c.AddChild(Message{ParentID: u1, Role: RoleAssistant, Content: TextContent("a1b"), Status: StatusComplete}).ID
	if got := texts(c.Path()); got != "q1|a1b" {
		t.Fatalf("path after regenerate = %q", got)
	}
	if sib := c.Siblings(a1b); len(sib) != 2 || sib[0] != a1 {
		t.Fatalf("siblings = %v", sib)
	}
	c.Append(msg(RoleUser, "q2"))
	if err := c.Select(a1); err != nil {
		t.Fatal(err)
	}
	if got := texts(c.Path()); got != "q1|a1" {
		t.Fatalf("path after switching back = %q", got)
	}
	if err := c.Select(a1b); err != nil {
		t.Fatal(err)
	}
	if got := texts(c.Path()); got != "q1|a1b|q2" {
		t.Fatalf("path through a1b should reach its descendant: %q", got)
	}
	if err := c.Select("nope"); err == nil {
		t.Fatal("selecting a missing message succeeded")
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestRecoverInterrupted(t *testing.T) {
	c := New(t0)
	c.Append(msg(RoleUser, "q"))
	m := c.Append(Message{Role: RoleAssistant, Content: TextContent("partial"), Status: StatusStreaming})
	id := m.ID
	if !c.RecoverInterrupted() {
		t.Fatal("nothing recovered")
	}
	got := c.Message(id)
	if got.Status != StatusInterrupted || got.Content.Text != "partial" {
		t.Fatalf("got %+v", got)
	}
	if c.RecoverInterrupted() {
		t.Fatal("second recovery changed something")
	}
}

func TestValidateRejects(t *testing.T) {
	good := func() *Conversation {
		c := New(t0)
		c.Append(msg(RoleUser, "q"))
		c.Append(msg(RoleAssistant, "a"))
		return c
	}
	cases := []struct {
		name   string
		mutate func(c *Conversation)
		want   string
	}{
		{"wrong format", func(c *Conversation) { c.Format = "x" }, "format"},
		{"future version", func(c *Conversation) { c.Version = SchemaVersion + 1 }, "version"},
		{"path in id", func(c *Conversation) { c.ID = "../../etc/passwd" }, "not a Murmur id"},
		{"uppercase id", func(c *Conversation) { c.ID = strings.ToUpper(c.ID) }, "not a Murmur id"},
		{"duplicate message id", func(c *Conversation) { c.Messages[1].ID = c.Messages[0].ID }, "twice"},
		{"unknown role", func(c *Conversation) { c.Messages[0].Role = "tool" }, "unknown role"},
		{"unknown status", func(c *Conversation) { c.Messages[0].Status = "weird" }, "unknown status"},
		{"missing parent", func(c *Conversation) { c.Messages[1].ParentID = "ghost" }, "does not exist"},
		{"cycle", func(c *Conversation) { c.Messages[0].ParentID = c.Messages[1].ID }, "cycle"},
		{"bad utf8", func(c *Conversation) { c.Messages[0].Content = TextContent("a\xffb") }, "UTF-8"},
		{"bad part", func(c *Conversation) { c.Messages[0].Content = Content{Parts: []Part{{Type: "exe"}}} }, "unknown type"},
		{"missing current", func(c *Conversation) { c.CurrentID = "ghost" }, "current message"},
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good conversation rejected: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mutate(c)
			err := c.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

func TestNewIDsSortAndValidate(t *testing.T) {
	prev := ""
	for i := 0; i < 1000; i++ {
		id := NewID()
		if !ValidID(id) {
			t.Fatalf("NewID() = %q is not valid", id)
		}
		if id <= prev {
			t.Fatalf("ids not increasing: %q then %q", prev, id)
		}
		prev = id
	}
}
