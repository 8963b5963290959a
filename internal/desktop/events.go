package desktop

import (
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"murmur/backend/chat"
	"murmur/backend/view"
)

// events sends the core's events to the page as view types.
type events struct{ w *window }

func (e events) Stream(ev chat.StreamEvent) {
	if e.w.wailsCtx != nil {
		runtime.EventsEmit(e.w.wailsCtx, chat.EventName(ev.StreamID), view.StreamEventOf(ev))
	}
}

func (e events) ConversationsChanged(ids []string) {
	if e.w.wailsCtx != nil {
		runtime.EventsEmit(e.w.wailsCtx, view.ConversationsChangedEvent, ids)
	}
}
