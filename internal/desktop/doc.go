// Package desktop holds pieces of the native desktop shell that live
// outside the root package. So far: on Windows, reaching the console
// murmur.exe was started from (AttachConsole).
package desktop
