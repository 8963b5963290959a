//go:build windows

package store

import "syscall"

var (
	errNoSpace    error = errorDiskFull
	errIO         error = syscall.Errno(1117) // ERROR_IO_DEVICE
	errReadOnlyFS error = errorWriteProtect
	errAccess     error = errorAccessDenied
)
