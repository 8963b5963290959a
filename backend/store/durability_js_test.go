//go:build js && wasm

package store

import "syscall"

// The errors the fault-injecting file system fails with (see faultFS).
// In the browser the store classifies them as it does on Unix; a full quota
// has tests of its own (browser_test.go).
var (
	errNoSpace    error = syscall.ENOSPC
	errIO         error = syscall.EIO
	errReadOnlyFS error = syscall.EROFS
	errAccess     error = syscall.EACCES
)
