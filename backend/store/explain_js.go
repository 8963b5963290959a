//go:build js

package store

const (
	diskFullAdvice = "the browser's storage for this site is full: delete or export conversations you no longer need, " +
		"or ask the browser to keep more (Settings, This browser), then retry; what was saved before is intact"
	lockedAdvice = "Murmur is open in another tab of this browser: close it there, or use Murmur here"
)
