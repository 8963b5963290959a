// Package browsertest lets Go tests compiled to WebAssembly drive the
// browser they run in through scripts/wasm-test.mjs: start more pages running
// the same test binary, wait for their output, kill them mid-write, and set
// the site's storage quota. It holds nothing on other platforms.
package browsertest
