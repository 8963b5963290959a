//go:build js && wasm && widget

package main

import "murmur/internal/browser"

// methods are the App methods the <murmur-chat> widget calls. The widget's
// build (-tags widget) binds only these, so the linker leaves out what the
// widget never uses: import and export with their Markdown and zip code,
// settings editing, attachments.
func (a *App) methods() browser.Methods {
	return browser.Methods{
		"ListConversations":  a.ListConversations,
		"GetConversation":    a.GetConversation,
		"NewConversation":    a.NewConversation,
		"DeleteConversation": a.DeleteConversation,
		"Send":               a.Send,
		"Stop":               a.Stop,
		"StreamSnapshot":     a.StreamSnapshot,
		"OpenLink":           a.OpenLink,
	}
}
