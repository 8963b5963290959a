//go:build !js

package links

import "golang.org/x/net/idna"

// toASCII returns a host name in its ASCII (punycode) form, as browsers
// look it up (UTS #46).
func toASCII(host string) (string, error) { return idna.Lookup.ToASCII(host) }
