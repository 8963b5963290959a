//go:build js

package links

import (
	"errors"
	"syscall/js"
)

// toASCII returns a host name in its ASCII (punycode) form through the
// browser's own URL parser (the WHATWG URL standard applies UTS #46 as
// browsers look names up), which keeps x/net/idna's tables out of the
// WebAssembly module.
func toASCII(host string) (ascii string, err error) {
	defer func() {
		if r := recover(); r != nil {
			ascii, err = "", errors.New("not a valid host name")
		}
	}()
	// new URL throws a TypeError for a host it cannot parse; Invoke turns
	// that into a panic.
	u := js.Global().Get("URL").New("http://" + host + "/")
	return u.Get("hostname").String(), nil
}
