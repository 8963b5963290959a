//go:build js && wasm

package browser

import (
	"encoding/json"
	"syscall/js"

	"murmur/backend/chat"
	"murmur/backend/view"
)

// events sends the core's events to the page as the JSON of view types,
// under the names the desktop uses.
type events struct {
	host   js.Value
	handle string
}

func (e events) emit(name string, payload any) {
	b, err := json.Marshal(payload)
	if err != nil {
		return // view types always encode
	}
	e.host.Call("emit", e.handle, name, string(b))
}

func (e events) Stream(ev chat.StreamEvent) {
	e.emit(chat.EventName(ev.StreamID), view.StreamEventOf(ev))
}

func (e events) ConversationsChanged(ids []string) {
	e.emit(view.ConversationsChangedEvent, ids)
}
