// Package transfer exports conversations (Markdown, Murmur JSON, HTML, plain
// text, an OpenAI messages array; one file or a zip of many) and imports them
// (Murmur JSON or a zip of it, ChatGPT's data export, an OpenAI messages
// array).
//
// Exports carry conversation content only: never settings, provider ids,
// endpoints, headers, keys or fields this version does not know. The HTML
// export is one self-contained, script-free file with a strict
// Content-Security-Policy.
//
// Imports treat every byte as hostile. They stream (a 1 GB ChatGPT export is
// never held in memory), enforce the caps in Limits, give every conversation
// fresh ids so nothing is overwritten, validate each one with
// conversation.Validate and hand it whole to a caller-supplied sink; what
// cannot be imported is listed with a reason. The package never writes files
// itself and never uses a name from the input as a path.
//
// The package compiles for GOOS=js GOARCH=wasm and does not depend on the
// store.
package transfer
