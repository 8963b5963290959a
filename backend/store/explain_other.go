//go:build !js

package store

const (
	diskFullAdvice = "the disk is full: free some space, then retry; what was saved before is intact"
	lockedAdvice   = "another Murmur window has the data folder open: close it first"
)
