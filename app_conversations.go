package main

import (
	"strings"
	"unicode/utf8"

	"murmur/backend/conversation"
	"murmur/backend/store"
	"murmur/backend/view"
)

func parseFilter(s string) (store.Archived, error) {
	switch s {
	case "", "active":
		return store.ArchivedExclude, nil
	case "archived":
		return store.ArchivedOnly, nil
	case "all":
		return store.ArchivedInclude, nil
	}
	return 0, view.Invalid("filter", "the list filter must be active, archived or all, not %q", view.Clip(s, 20))
}

func checkPage(offset, limit int) error {
	if offset < 0 || limit < 0 || limit > store.MaxLimit {
		return view.Invalid("page", "a page starts at 0 or later and holds at most %d items", store.MaxLimit)
	}
	return nil
}

// ListConversations returns a page of conversations, pinned first, then the
// most recent. filter is "active" (default), "archived" or "all".
func (a *App) ListConversations(filter string, offset, limit int) (view.ConversationPage, error) {
	arch, err := parseFilter(filter)
	if err == nil {
		err = checkPage(offset, limit)
	}
	if err != nil {
		return view.ConversationPage{}, err
	}
	p, err := a.store.List(a.context(), store.ListQuery{Archived: arch, Offset: offset, Limit: limit})
	return view.ConversationPageOf(p), view.FromError("list conversations", err)
}

// SearchConversations searches the text of every message.
func (a *App) SearchConversations(query, filter string, offset, limit int) (view.SearchPage, error) {
	arch, err := parseFilter(filter)
	if err == nil {
		err = checkPage(offset, limit)
	}
	if err == nil && (len(query) > 1000 || !utf8.ValidString(query)) {
		err = view.Invalid("query", "the search text must be valid text of at most 1000 bytes")
	}
	if err != nil {
		return view.SearchPage{}, err
	}
	p, err := a.store.Search(a.context(), store.SearchQuery{Text: query, Archived: arch, Offset: offset, Limit: limit})
	return view.SearchPageOf(p), view.FromError("search", err)
}

// GetConversation returns a conversation with its current path.
func (a *App) GetConversation(id string) (view.Conversation, error) {
	if err := checkConvID(id); err != nil {
		return view.Conversation{}, err
	}
	c, err := a.store.Get(a.context(), id)
	if err != nil {
		return view.Conversation{}, view.FromError("open conversation", err)
	}
	return view.ConversationOf(c), nil
}

// NewConversation creates an empty conversation.
func (a *App) NewConversation() (view.Conversation, error) {
	c, err := a.engine.NewConversation(a.context())
	if err != nil {
		return view.Conversation{}, view.FromError("new conversation", err)
	}
	return view.ConversationOf(c), nil
}

// maxTitle bounds a title the user types.
const maxTitle = 200

// RenameConversation sets a conversation's title.
func (a *App) RenameConversation(id, title string) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	title = strings.TrimSpace(title)
	if title == "" || len(title) > maxTitle || !utf8.ValidString(title) {
		return view.Invalid("title", "a title is 1 to %d characters of text", maxTitle)
	}
	return view.FromError("rename conversation", a.store.Rename(a.context(), id, title))
}

// DeleteConversation deletes a conversation and stops its reply, if any.
func (a *App) DeleteConversation(id string) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	_ = a.engine.StopConversation(id)
	return view.FromError("delete conversation", a.store.Delete(a.context(), id))
}

// PinConversation pins or unpins a conversation.
func (a *App) PinConversation(id string, pinned bool) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	return view.FromError("pin conversation", a.store.SetPinned(a.context(), id, pinned))
}

// ArchiveConversation archives or restores a conversation.
func (a *App) ArchiveConversation(id string, archived bool) error {
	if err := checkConvID(id); err != nil {
		return err
	}
	return view.FromError("archive conversation", a.store.SetArchived(a.context(), id, archived))
}

// SetConversationOptions changes a conversation's own provider, model,
// system prompt and parameters.
func (a *App) SetConversationOptions(id string, o view.ConversationOptions) (view.Conversation, error) {
	if err := checkConvID(id); err != nil {
		return view.Conversation{}, err
	}
	if o.ProviderID != "" {
		if _, err := a.providers.Provider(o.ProviderID); err != nil {
			return view.Conversation{}, view.FromError("change options", err)
		}
	}
	if len(o.Model) > 200 || (o.SystemPrompt != nil && len(*o.SystemPrompt) > 100_000) {
		return view.Conversation{}, view.Invalid("model", "the model name or system prompt is too long")
	}
	params := o.Params.Params()
	for _, f := range view.ParamErrors(params) {
		if !f.Warning {
			return view.Conversation{}, &view.Error{Kind: view.KindInvalid, Message: f.Message, Fields: []view.FieldError{f}}
		}
	}
	c, err := a.engine.Modify(a.context(), id, func(c *conversation.Conversation) error {
		c.ProviderID, c.Model, c.SystemPrompt, c.Params = o.ProviderID, o.Model, o.SystemPrompt, params
		return nil
	})
	if err != nil {
		return view.Conversation{}, view.FromError("change options", err)
	}
	return view.ConversationOf(c), nil
}
