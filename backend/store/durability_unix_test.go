//go:build unix

package store

import "syscall"

var (
	errNoSpace    error = syscall.ENOSPC
	errIO         error = syscall.EIO
	errReadOnlyFS error = syscall.EROFS
	errAccess     error = syscall.EACCES
)
