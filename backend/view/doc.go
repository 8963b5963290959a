// Package view is the contract on the wire: every type that crosses the
// bound surface between the Go core and the UI (method results, arguments,
// event payloads, errors), all with camelCase JSON, and the mapping from
// and to the backend's own types. Storage structs (the conversation
// document, the settings file) never cross; their views do.
//
// The desktop shell binds these types through Wails, which generates their
// TypeScript classes into frontend/wailsjs/go/models.ts; the web shell sends
// the same JSON.
package view
