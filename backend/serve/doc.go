// Package serve is `murmur serve`: an HTTP server that serves the web app
// and the <murmur-chat> widget and proxies two routes of one configured
// OpenAI-compatible provider, adding the API key it holds:
//
//	POST /v1/chat/completions   (streamed and not; also under /murmur/v1/)
//	GET  /v1/models             (filtered to the allowed models; also under /murmur/v1/)
//	GET  /healthz
//	GET  /murmur/...            the widget's files
//	GET  /...                   the web app's files
//
// Nothing else reaches the provider, and nothing in a request chooses the
// upstream: the two upstream URLs are fixed when the server is made. The key
// never appears in a response, an error or a log line; the client's own
// credentials, cookies and every other request header are dropped. Request
// bodies are checked against the chat-completions schema and the server's
// caps (models, max_tokens, max_loops, n, size) before they leave. Browser
// origins are checked against an allow-list; requests are rate-limited per
// client address and per origin; concurrent chat requests are capped per
// client and in total; streams pass through event by event.
//
// The server keeps no state between requests: run as many instances as you
// like behind any load balancer. Every limit (rates, concurrent streams,
// connections) is per instance: N instances allow N times the configured
// rate.
package serve
