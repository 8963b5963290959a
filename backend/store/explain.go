package store

import "errors"

// Explain says in words what a failed write of the store means for the
// user and what to do, without file names or the platform's error text
// (which the log keeps). ok is false for an error it does not classify.
func Explain(err error) (text string, ok bool) {
	switch {
	case errors.Is(err, ErrDiskFull):
		return diskFullAdvice, true
	case errors.Is(err, ErrReadOnly):
		return "the data folder is read-only, so nothing new can be saved; what was saved before is intact", true
	case errors.Is(err, ErrPermission):
		return "Murmur may not write to its data folder (permission denied); what was saved before is intact", true
	case errors.Is(err, ErrLocked):
		return lockedAdvice, true
	}
	return "", false
}
