// Package transfer exports conversations (Markdown, Murmur JSON, HTML, plain
// text, an OpenAI messages array; one file or a zip of many) and imports them
// (Murmur JSON or a zip of it, ChatGPT's and Claude's data exports, an OpenAI
// messages array).
//
// Exports carry conversation content only: never settings, provider ids,
// endpoints, headers, keys or fields this version does not know. The Murmur
// JSON export and the zip of it are backups and keep every branch. The HTML
// export is one self-contained, script-free file with a strict
// Content-Security-Policy.
//
// Imports treat every byte as hostile. They stream (a 1 GB ChatGPT export is
// never held in memory), enforce the caps in Limits, give every conversation
// fresh ids so nothing is overwritten, validate each one with
// conversation.Validate and hand it whole to a caller-supplied sink; what
// cannot be imported is listed with a reason, and what was changed or left
// out on the way is noted (Result.Summary and Result.Details render it for
// a person). A service's export arrives without loss of what its page
// shows: the whole message tree (edited prompts and regenerated replies as
// alternatives, the current branch current), one message per turn,
// reasoning, code and its output, canvas and artifact documents, citations
// as links, images and files as attachments (ImportOptions.Attachments) or
// a visible placeholder. Each imported conversation remembers its source
// (conversation.Source), so that importing the same export again skips it
// (ImportOptions.FindSource) or replaces it when it is newer.
//
// The package never writes files itself and never uses a name from the
// input as a path. It compiles for GOOS=js GOARCH=wasm and does not depend
// on the store.
package transfer
