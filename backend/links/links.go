// Package links decides which links from a message may be opened: only
// https, http and mailto (with harmless mail fields), never with hidden
// characters, and always shown in full with the host in punycode first, so
// that a look-alike host cannot pass for another.
package links

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error says why a link is not opened.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

func refuse(format string, args ...any) error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// maxURL bounds a link the UI may ask to open.
const maxURL = 8 << 10

// mailtoFields are the only mailto header fields a link may set: some mail
// clients honoured "attach=" and sent local files.
var mailtoFields = map[string]bool{"to": true, "cc": true, "bcc": true, "subject": true, "body": true}

// hiddenRunes are characters that change how a URL looks without being
// seen: direction overrides and isolates, zero-width characters.
func hiddenRune(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F,
		r >= 0x200B && r <= 0x200D, r == 0xFEFF, r == 0x061C:
		return true
	}
	return unicode.IsControl(r)
}

// Check decides whether a link may be opened and returns the text to
// show the user first: the full URL with the host in punycode, so that a
// look-alike host cannot pass for another.
func Check(raw string) (shown string, err error) {
	if len(raw) > maxURL || !utf8.ValidString(raw) {
		return "", refuse("that link is too long or not text")
	}
	raw = strings.TrimSpace(raw)
	if strings.IndexFunc(raw, hiddenRune) >= 0 {
		return "", refuse("that link contains invisible characters that can disguise where it leads")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", refuse("that is not a valid link")
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "http":
		if u.Host == "" {
			return "", refuse("that link has no host")
		}
		if u.User != nil {
			return "", refuse("links with a user name or password in them are not opened")
		}
		host := u.Hostname()
		if ip, perr := netip.ParseAddr(host); perr != nil || ip.Zone() != "" {
			if host, err = toASCII(host); err != nil {
				return "", refuse("the link's host %q is not a valid name", clip(u.Hostname(), 60))
			}
		} else if !ip.Is4() {
			host = "[" + host + "]"
		}
		if port := u.Port(); port != "" {
			host += ":" + port
		}
		u.Host = host
	case "mailto":
		for k := range u.Query() {
			if !mailtoFields[strings.ToLower(k)] {
				return "", refuse("mail links may set only to, cc, bcc, subject and body, not %q", clip(k, 20))
			}
		}
	default:
		return "", refuse("only https, http and mailto links are opened, not %q", clip(u.Scheme, 20))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u.String(), nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
