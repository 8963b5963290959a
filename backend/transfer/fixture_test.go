package transfer

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"murmur/backend/conversation"
)

// pngBytes is a 1×1 PNG image.
var pngBytes, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC) }

// fixtureIDPrefix starts every id fid makes: an imported conversation
// never has one (it gets a fresh id).
const fixtureIDPrefix = "01937a00-0000-7000-8000-"

// fid returns a fixed, valid id for golden output.
func fid(n int) string { return fmt.Sprintf(fixtureIDPrefix+"%012d", n) }

// secret strings that must never appear in an export.
const (
	secretKey      = "sk-SECRET-do-not-export"
	secretProvider = "provider-SECRET"
)

// longText is a very long message: many paragraphs, deterministic.
func longText() string {
	var b strings.Builder
	for i := 1; i <= 120; i++ {
		fmt.Fprintf(&b, "Paragraph %d: the quick brown fox jumps over the lazy dog, again and again, to make this message long. ", i)
		if i%10 == 0 {
			b.WriteString("\n\n")
		}
	}
	b.WriteString(strings.Repeat("x", 3000)) // one unbroken word
	return b.String()
}

const trickyMarkdown = "Here is Go code:\n\n```go\nfunc main() {\n\tfmt.Println(\"<script>alert(1)</script>\")\n}\n```\n\n" +
	"And a fence inside a fence:\n\n~~~markdown\n```js\nconsole.log(`a < b`)\n```\n~~~\n\n" +
	"Math: $E = mc^2$ and $$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$ and \\(a < b\\).\n\n" +
	"HTML-looking text: <div onclick=\"steal()\">click</div> and <script>alert('x')</script>, a < b && c > d.\n\n" +
	"<img src=x onerror=alert(1)>\n\n" +
	"Links: [safe](https://example.com/a?b=1&c=2), [mail](mailto:a@example.com), [bad](javascript:alert(1)), [rel](../etc/passwd), https://auto.example.org/x and ![pic](https://example.com/p.png \"t\").\n\n" +
	"| col | 列 |\n|---|---|\n| 1 | 二 |\n\n" +
	"Emoji: 👩‍👩‍👧 🎉 ✅. Arabic: مرحبا بالعالم. Hebrew: שלום עולם. Mixed: abc ‮txt.exe‬ done.\n"

// fixture is a conversation exercising everything the exports must handle:
// a system prompt, tricky Markdown, reasoning, a regenerated reply (two
// branches), a stopped reply, a failed reply, an image part, and fields
// that must not be exported.
func fixture() *conversation.Conversation {
	sys := "You are helpful. Answer in *Markdown*."
	c := &conversation.Conversation{
		Format: conversation.Format, Version: conversation.SchemaVersion,
		ID: fid(1), Title: "Tricky: <b>code</b>, math & ✨ عربى", CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
		ProviderID: secretProvider, Model: "swarms/gpt-4o", SystemPrompt: &sys,
		Extra: map[string]json.RawMessage{"api_key": json.RawMessage(`"` + secretKey + `"`)},
	}
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	c.Messages = []conversation.Message{
		{ID: fid(10), Role: conversation.RoleUser, Content: conversation.TextContent("Show me tricky content, please."), Status: conversation.StatusComplete, CreatedAt: at(1),
			Extra: map[string]json.RawMessage{"authorization": json.RawMessage(`"Bearer ` + secretKey + `"`)}},
		{ID: fid(11), ParentID: fid(10), Role: conversation.RoleAssistant, Content: conversation.TextContent("First try: short answer."), Status: conversation.StatusComplete, Model: "swarms/gpt-4o", CreatedAt: at(2)},
		{ID: fid(12), ParentID: fid(10), Role: conversation.RoleAssistant, Content: conversation.TextContent(trickyMarkdown),
			Reasoning: "The user wants *tricky* content.\n\nI will include <script> and `code`.", Status: conversation.StatusComplete, Model: "swarms/claude", CreatedAt: at(3)},
		{ID: fid(13), ParentID: fid(12), Role: conversation.RoleUser, Content: conversation.Content{Parts: []conversation.Part{
			{Type: "text", Text: "What is in this picture?"},
			{Type: "image_url", ImageURL: &conversation.ImageURL{URL: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}},
			{Type: "image_url", ImageURL: &conversation.ImageURL{URL: "https://images.example.com/cat.jpg"}},
		}}, Status: conversation.StatusComplete, CreatedAt: at(4)},
		{ID: fid(14), ParentID: fid(13), Role: conversation.RoleAssistant, Content: conversation.TextContent(longText()), Status: conversation.StatusStopped, Model: "swarms/claude", CreatedAt: at(5)},
		{ID: fid(15), ParentID: fid(14), Role: conversation.RoleUser, Content: conversation.TextContent("Again?"), Status: conversation.StatusComplete, CreatedAt: at(6)},
		{ID: fid(16), ParentID: fid(15), Role: conversation.RoleAssistant, Content: conversation.TextContent(""), Status: conversation.StatusError,
			Error: &conversation.ErrorInfo{Message: "rate limited (429)", Kind: "rate_limit", Status: 429}, Model: "swarms/claude", CreatedAt: at(7)},
	}
	c.CurrentID = fid(16)
	return c
}
