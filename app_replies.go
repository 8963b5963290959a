package main

import (
	"context"

	"murmur/backend/attachments"
	"murmur/backend/chat"
	"murmur/backend/conversation"
	"murmur/backend/view"
)

// started maps the result of a call that starts a reply.
func started(s chat.Started, err error) (view.Started, error) {
	if err != nil {
		return view.Started{}, view.FromError("start the reply", err)
	}
	return view.StartedOf(s), nil
}

// Send adds a message (text, attachments, or both) to a conversation (a new
// one when conversationID is empty) and starts the reply. Listen to the
// returned event name; call StreamSnapshot to catch up on events sent before
// listening.
func (a *App) Send(conversationID, text string, atts []view.Attachment) (view.Started, error) {
	if conversationID != "" {
		if err := checkConvID(conversationID); err != nil {
			return view.Started{}, err
		}
	}
	ctx := a.context()
	kept, err := a.checkPrompt(ctx, text, atts)
	if err != nil {
		return view.Started{}, err
	}
	return started(a.engine.Send(ctx, conversationID, text, kept))
}

// checkPrompt checks a prompt's text and turns its attachments into the
// references a message keeps.
func (a *App) checkPrompt(ctx context.Context, text string, atts []view.Attachment) ([]conversation.Attachment, error) {
	if err := checkText(text, len(atts) > 0); err != nil {
		return nil, err
	}
	kept, err := attachments.Resolve(ctx, a.store, view.Refs(atts))
	return kept, view.FromError("attach", err)
}

// Stop stops a reply being written; its text so far is kept.
func (a *App) Stop(streamID string) error {
	if err := checkStreamID(streamID); err != nil {
		return err
	}
	return view.FromError("stop", a.engine.Stop(streamID))
}

// Regenerate writes a new reply in place of messageID; the old one stays as
// an alternative.
func (a *App) Regenerate(conversationID, messageID string) (view.Started, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return view.Started{}, err
	}
	return started(a.engine.Regenerate(a.context(), conversationID, messageID))
}

// Edit resends an edited copy of one of your messages (its text and
// attachments); the original stays as an alternative.
func (a *App) Edit(conversationID, messageID, text string, atts []view.Attachment) (view.Started, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return view.Started{}, err
	}
	ctx := a.context()
	kept, err := a.checkPrompt(ctx, text, atts)
	if err != nil {
		return view.Started{}, err
	}
	return started(a.engine.Edit(ctx, conversationID, messageID, text, kept))
}

// Continue goes on with a stopped, interrupted or cut-off reply.
func (a *App) Continue(conversationID, messageID string) (view.Started, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return view.Started{}, err
	}
	return started(a.engine.Continue(a.context(), conversationID, messageID))
}

// SwitchAlternative shows the alternative messageID and what follows it.
func (a *App) SwitchAlternative(conversationID, messageID string) (view.Conversation, error) {
	if err := checkMessageRef(conversationID, messageID); err != nil {
		return view.Conversation{}, err
	}
	c, err := a.engine.Switch(a.context(), conversationID, messageID)
	if err != nil {
		return view.Conversation{}, view.FromError("switch alternative", err)
	}
	return view.ConversationOf(c), nil
}

// StreamSnapshot returns what a reply has produced so far.
func (a *App) StreamSnapshot(streamID string) (view.Snapshot, error) {
	if err := checkStreamID(streamID); err != nil {
		return view.Snapshot{}, err
	}
	s, ok := a.engine.Snapshot(streamID)
	if !ok {
		return view.Snapshot{}, &view.Error{Kind: view.KindNotFound, Message: "That reply is no longer being written."}
	}
	return view.SnapshotOf(s), nil
}
