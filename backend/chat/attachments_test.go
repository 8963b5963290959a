package chat

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"murmur/backend/conversation"
)

var onePixelPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")

func TestAttachmentsAreSentAsImagePartsAndFencedText(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, []script{reply("A red dot."), reply("Noted.")})
	img, err := e.store.PutAttachment(ctx, "dot.png", "image/png", onePixelPNG)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := e.store.PutAttachment(ctx, "main.go", "text/x-go", []byte("package main\n"))
	s, err := e.engine.Send(ctx, "", "What is this?", []conversation.Attachment{img, code})
	if err != nil {
		t.Fatal(err)
	}
	if last := e.finish(s); last[len(last)-1].Type != EventDone {
		t.Fatalf("reply ended %+v", last[len(last)-1])
	}
	msgs := e.api.requests()[0]["messages"].([]any)
	parts := msgs[len(msgs)-1].(map[string]any)["content"].([]any)
	if len(parts) != 3 {
		t.Fatalf("content parts %v", parts)
	}
	first := parts[0].(map[string]any)
	imgPart := parts[1].(map[string]any)
	textPart := parts[2].(map[string]any)
	if first["text"] != "What is this?" || imgPart["type"] != "image_url" ||
		!strings.HasPrefix(imgPart["image_url"].(map[string]any)["url"].(string), "data:image/png;base64,iVBOR") ||
		textPart["text"] != "main.go:\n\n```go\npackage main\n```" {
		t.Fatalf("sent %v", parts)
	}
	// The stored prompt keeps references only, not the bytes.
	c := e.get(s.ConversationID)
	u := c.Message(s.UserMessageID)
	if atts := u.Content.Attachments(); len(atts) != 2 || atts[0].ID != img.ID {
		t.Fatalf("stored attachments %+v", atts)
	}

	// A text file alone goes as one string: servers without vision take it.
	s2, err := e.engine.Send(ctx, s.ConversationID, "", []conversation.Attachment{code})
	if err != nil {
		t.Fatal(err)
	}
	e.finish(s2)
	msgs = e.api.requests()[1]["messages"].([]any)
	if got, ok := msgs[len(msgs)-1].(map[string]any)["content"].(string); !ok || !strings.Contains(got, "```go") {
		t.Fatalf("a text attachment alone was sent as %v", msgs[len(msgs)-1])
	}
}

func TestMissingAttachmentFailsTheReplyReadably(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, []script{reply("never")})
	ghost := conversation.Attachment{ID: conversation.AttachmentID([]byte("gone")), Name: "gone.txt", MIME: "text/plain", Size: 4}
	s, err := e.engine.Send(ctx, "", "look", []conversation.Attachment{ghost})
	if err != nil {
		t.Fatal(err)
	}
	evs := e.finish(s)
	last := evs[len(evs)-1]
	if last.Type != EventError || !strings.Contains(last.Error.Message, "gone.txt") || !strings.Contains(last.Error.Message, "attach it again") {
		t.Fatalf("terminal %+v", last)
	}
	if n := len(e.api.requests()); n != 0 {
		t.Fatalf("%d requests sent without the attachment", n)
	}
}

func TestRetriesAreTold(t *testing.T) {
	limited := func(t *testing.T, req map[string]any, w http.ResponseWriter, sse func(string)) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(429)
		w.Write([]byte(`{"error":{"message":"Rate limit exceeded","type":"rate_limit_error"}}`))
	}
	e := newEnv(t, []script{limited, reply("finally")})
	s, err := e.engine.Send(context.Background(), "", "hi", nil)
	if err != nil {
		t.Fatal(err)
	}
	evs := e.finish(s)
	checkSequence(t, evs)
	if evs[0].Type != EventRetrying || evs[0].RetryInMS != 7000 || evs[0].Attempt != 1 || evs[0].Error == nil ||
		evs[0].Error.Kind != "rate_limit" {
		t.Fatalf("first event %+v, want a retry in 7 s after a rate limit", evs[0])
	}
	if got := contents(evs); got != "finally" || evs[len(evs)-1].Type != EventDone {
		t.Fatalf("after the retry: %q %+v", got, evs[len(evs)-1])
	}
}
