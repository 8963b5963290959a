// Package llm is the OpenAI-compatible chat-completions client of Murmur.
//
// It builds requests for any provider (the Swarms API by default, or any
// OpenAI-compatible endpoint), sends them with the provider's auth style,
// decodes streamed replies with backend/sse into small typed events, turns
// every documented error shape into a typed *Error, and applies the network
// policy of the project (bounded retries before any data reached the caller,
// long response-header timeout for Swarms, an idle timeout between data
// events that keep-alive comments do not reset, no credentials on a redirect
// to another origin).
//
// The package never logs, and no error it returns carries the API key.
package llm
