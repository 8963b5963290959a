package transfer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"murmur/backend/conversation"
)

// MaxNameBytes caps the length of a file name made by FileName, extension
// excluded. Well under every file system's 255-byte limit, with room for a
// " (123)" suffix and the extension.
const MaxNameBytes = 100

// FileName returns a file name for a conversation exported in format f:
// the title made safe for Windows, macOS and Linux, plus the format's
// extension. Path separators, characters Windows forbids (<>:"/\|?*),
// control and invisible formatting characters (bidi overrides among them)
// are replaced; leading and trailing dots and spaces are trimmed; names
// Windows reserves (CON, PRN, AUX, NUL, COM1…, LPT1…) get a leading
// underscore; the name is cut to MaxNameBytes on a character boundary. An
// empty result falls back to the id (if it is a Murmur id) or to
// "conversation". The result never contains a path separator and is never
// "." or "..".
func FileName(title, id string, f Format) string {
	name := safeStem(title)
	if name == "" {
		if conversation.ValidID(id) {
			name = id
		} else {
			name = "conversation"
		}
	}
	return name + f.Ext()
}

// safeStem makes s a safe file name stem ("" if nothing usable is left).
func safeStem(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			r = '_'
		case r == '\u200c' || r == '\u200d':
			// zero-width (non-)joiners build emoji and Persian words: keep.
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			// bidi overrides, zero-width spaces, BOM: invisible, and used to
			// disguise extensions ("gpj.exe" shown as "exe.jpg").
			continue
		case strings.ContainsRune(`<>:"/\|?*`, r):
			r = '_'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		if b.Len() > MaxNameBytes+8 {
			break
		}
	}
	name := cutBytes(b.String(), MaxNameBytes)
	name = strings.Trim(name, ". ")
	if name == "" {
		return ""
	}
	if reservedWindowsName(name) {
		name = "_" + name
	}
	return name
}

// cutBytes returns the longest prefix of s of at most n bytes that ends on
// a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reservedWindowsName reports whether Windows treats name as a device: CON,
// PRN, AUX, NUL, COM0-9 and LPT0-9 (also with superscript digits), with or
// without an extension, in any case, with trailing spaces or dots.
func reservedWindowsName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) >= 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// uniqueNames hands out file names that are unique within one archive,
// ignoring case (Windows and macOS file systems do).
type uniqueNames struct {
	used map[string]bool
}

func newUniqueNames(reserved ...string) *uniqueNames {
	u := &uniqueNames{used: make(map[string]bool)}
	for _, r := range reserved {
		u.used[strings.ToLower(r)] = true
	}
	return u
}

// take returns name, or name with " (2)", " (3)"… before ext, whichever is
// free first, and marks it used.
func (u *uniqueNames) take(name, ext string) string {
	stem := strings.TrimSuffix(name, ext)
	candidate := name
	for i := 2; u.used[strings.ToLower(candidate)]; i++ {
		candidate = stem + " (" + strconv.Itoa(i) + ")" + ext
	}
	u.used[strings.ToLower(candidate)] = true
	return candidate
}
