//go:build js && wasm

package browserdb

import (
	"errors"
	"syscall/js"
)

var (
	// ErrNotFound: no value under that key.
	ErrNotFound = errors.New("not found")
	// ErrQuotaExceeded: the browser refused to store more for this site.
	ErrQuotaExceeded = errors.New("the browser's storage for this site is full")
	// ErrClosed: the database was closed.
	ErrClosed = errors.New("the browser database is closed")
	// ErrLockHeld: another tab, worker or caller holds the lock.
	ErrLockHeld = errors.New("the lock is held elsewhere")
	// ErrUnsupported: this browser (or this context: a Worker, a page that
	// is not a secure context) lacks the API.
	ErrUnsupported = errors.New("not supported in this browser context")
)

// QuotaError is a write refused because the site's storage is full. Its text
// starts with ErrQuotaExceeded's and adds what the browser said.
type QuotaError struct {
	Op     string // what was being done, e.g. "save to murmur"
	Detail string // the browser's message
}

func (e *QuotaError) Error() string {
	msg := ErrQuotaExceeded.Error()
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *QuotaError) Is(target error) bool { return target == ErrQuotaExceeded }

// DOMError is any other error the browser raised: its DOMException name
// (AbortError, VersionError, InvalidStateError, …) and message.
type DOMError struct {
	Op      string
	Name    string
	Message string
}

func (e *DOMError) Error() string {
	msg := e.Name
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	return msg
}

// domError turns a JavaScript error value (a DOMException, an Error, or
// anything thrown) into a Go error for op.
func domError(op string, v js.Value) error {
	if v.IsUndefined() || v.IsNull() {
		return &DOMError{Op: op, Name: "UnknownError", Message: "the browser gave no reason"}
	}
	name, msg := "Error", ""
	if v.Type() == js.TypeObject {
		if n := v.Get("name"); n.Type() == js.TypeString {
			name = n.String()
		}
		if m := v.Get("message"); m.Type() == js.TypeString {
			msg = m.String()
		}
	} else {
		msg = v.String()
	}
	if name == "QuotaExceededError" {
		return &QuotaError{Op: op, Detail: msg}
	}
	return &DOMError{Op: op, Name: name, Message: msg}
}

// catch runs fn and turns a JavaScript exception it throws into an error.
func catch(op string, fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = domError(op, je.Value)
				return
			}
			panic(r)
		}
	}()
	fn()
	return nil
}

// IsName reports whether err is a browser error of that DOMException name.
func IsName(err error, name string) bool {
	var de *DOMError
	if errors.As(err, &de) {
		return de.Name == name
	}
	var qe *QuotaError
	return name == "QuotaExceededError" && errors.As(err, &qe)
}
