// Package browserdb is IndexedDB, Web Locks and the Storage API for Go code
// compiled to WebAssembly (GOOS=js GOARCH=wasm) and running in a browser: on
// a page or in a Worker. It holds nothing on other platforms.
//
// Every call blocks the calling goroutine until the browser answers and never
// blocks the JavaScript event loop: call it from a goroutine, never from
// inside a js.FuncOf callback (that deadlocks Go's wasm runtime).
//
// A database holds named object stores of []byte values under string keys.
// Keys are valid UTF-8 without U+FFFF (the upper bound of a prefix range).
// Update runs a function in one read-write transaction: every put and delete
// it makes is kept, or none is (a closed tab, a full quota, an error returned
// by the function). The function must use only the transaction while it runs:
// IndexedDB commits a transaction as soon as it has nothing left to do, so
// waiting on anything else (a channel, a timer, the network) ends it.
//
// A full quota is reported as an error matching ErrQuotaExceeded whose text
// says so in words, whether the browser refused a put or aborted the
// transaction at commit.
//
// Lock is a Web Lock (navigator.locks) held until released: TryLock takes it
// only when it is free, StealLock takes it from whoever holds it, and Lost
// tells the holder it was taken.
package browserdb
