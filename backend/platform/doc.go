// Package platform opens the services the core runs on, for the machine a
// shell runs on: the conversation store, the settings, the API keys, the
// HTTP client and the log. native.go serves the desktop window and the
// command line (files under the XDG folders, the OS keychain, net/http);
// its twin for the web shell keeps everything in the browser.
package platform
