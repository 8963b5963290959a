package chat

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"murmur/backend/conversation"
	"murmur/backend/llm"
)

// Title limits.
const (
	fallbackWords  = 8
	maxTitleRunes  = 60
	titleSource    = 1500 // bytes of prompt and reply shown to the title model
	titleMaxTokens = 24
)

// FallbackTitle makes a title from the first words of a prompt.
func FallbackTitle(prompt string) string {
	words := strings.Fields(prompt)
	if len(words) == 0 {
		return "New conversation"
	}
	more := len(words) > fallbackWords
	if more {
		words = words[:fallbackWords]
	}
	t := strings.Join(words, " ")
	if utf8.RuneCountInString(t) > maxTitleRunes {
		t = string([]rune(t)[:maxTitleRunes])
		more = true
	}
	if more {
		t = strings.TrimRightFunc(t, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) }) + "…"
	}
	return t
}

// CleanTitle makes a model's title answer fit for the list: one line, no
// quotes or trailing punctuation, at most maxTitleRunes. It returns "" when
// nothing usable is left.
func CleanTitle(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimPrefix(s, "Title:")
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "\"'`*#“”‘’ ")
	s = strings.TrimRightFunc(s, func(r rune) bool { return r == '.' || r == ':' || unicode.IsSpace(r) })
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxTitleRunes {
		s = strings.TrimSpace(string([]rune(s)[:maxTitleRunes])) + "…"
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// autoTitle asks the model for a short title after the first reply and
// renames the conversation; on any failure the fallback title stays.
func (e *Engine) autoTitle(r *run) {
	ctx, cancel := context.WithTimeout(r.parent, e.timing.TitleTimeout)
	defer cancel()
	req := &llm.Request{
		Model: r.target.Model,
		Messages: []llm.Message{
			llm.TextMessage(llm.RoleSystem, "You name conversations. Answer with a title of at most six words, in the language of the conversation, without quotes or punctuation at the end."),
			llm.TextMessage(llm.RoleUser, "Conversation:\n\nUser: "+clip(r.titleFrom, titleSource)+
				"\n\nAssistant: "+clip(r.msg.Content.PlainText(), titleSource)+"\n\nTitle:"),
		},
		MaxTokens: llm.Ptr(titleMaxTokens),
	}
	comp, err := e.client.Complete(ctx, r.target.Provider, r.target.Key, req)
	if err != nil {
		e.log.Info("auto title failed; keeping the first words of the prompt", "conversation", r.convID, "err", err)
		return
	}
	title := CleanTitle(comp.Text())
	if title == "" {
		return
	}
	if err := e.renameIfUntouched(ctx, r.convID, FallbackTitle(r.titleFrom), title); err != nil {
		e.log.Warn("saving the auto title failed", "conversation", r.convID, "err", err)
	}
}

// errTitleTouched: the user renamed the conversation while the title was
// being written; their title stays.
var errTitleTouched = errors.New("renamed meanwhile")

// renameIfUntouched sets the title unless the user renamed the conversation
// while the title was being written; the check and the change are one
// locked read-modify-write.
func (e *Engine) renameIfUntouched(ctx context.Context, convID, fallback, title string) error {
	err := e.store.Update(ctx, convID, func(c *conversation.Conversation) error {
		if c.Title != fallback {
			return errTitleTouched
		}
		c.Title = title
		return nil
	})
	if errors.Is(err, errTitleTouched) {
		return nil
	}
	return err
}
