//go:build js && wasm

package browser

import (
	"encoding/json"
	"syscall/js"

	"murmur/backend/chat"
	"murmur/backend/view"
)

// Events sends the core's events to the page as the JSON of view types,
// under the names the desktop uses.
type Events struct {
	host   js.Value
	handle string
}

func (e Events) emit(name string, payload any) {
	b, err := json.Marshal(payload)
	if err != nil {
		return // view types always encode
	}
	e.host.Call("emit", e.handle, name, string(b))
}

func (e Events) Stream(ev chat.StreamEvent) {
	e.emit(chat.EventName(ev.StreamID), view.StreamEventOf(ev))
}

func (e Events) ConversationsChanged(ids []string) {
	e.emit(view.ConversationsChangedEvent, ids)
}

// Elsewhere tells the page that another tab took the storage over.
func (e Events) Elsewhere(message string) {
	e.emit(view.ElsewhereEvent, view.Elsewhere{Message: message})
}
