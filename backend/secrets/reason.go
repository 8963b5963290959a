package secrets

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Readable reasons shown when keys are kept for this session only.
const (
	reasonNoBus = "no D-Bus session bus was found (common under WSL, in containers and over SSH), " +
		"so the system keychain cannot be reached"
	reasonNoService = "no Secret Service is running: install and unlock GNOME Keyring or KWallet " +
		"to remember keys between sessions"
	reasonLocked = "the keychain is locked and could not be unlocked (no unlock prompt was possible " +
		"or it was dismissed)"
	reasonDenied = "access to the keychain was denied (a sandbox such as Flatpak without the " +
		"Secret portal can cause this)"
)

// timeoutError reports a keychain call that did not answer in time.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("the keychain did not answer within %s (an unlock prompt may be waiting)", e.after)
}

// KeychainProblem reports why the keychain could not be used when err (from
// Get, Set or Delete) says so: a sentence for a person, such as "no D-Bus
// session bus was found …".
func KeychainProblem(err error) (reason string, ok bool) {
	if !errors.Is(err, ErrNoKeychain) {
		return "", false
	}
	return unavailableReason(err), true
}

// unavailableReason turns a keychain failure into a sentence a person can
// act on. It is used for every failure other than "not found" and "too
// large": whatever the cause, the keychain cannot keep the key right now.
func unavailableReason(err error) string {
	var ue *unavailableError
	if errors.As(err, &ue) {
		return ue.reason
	}
	var te *timeoutError
	if errors.As(err, &te) {
		return te.Error()
	}
	msg := err.Error()
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "org.freedesktop.secrets") &&
		(strings.Contains(lower, "not provided") || strings.Contains(lower, "serviceunknown") ||
			strings.Contains(lower, "not activatable")):
		return reasonNoService
	case strings.Contains(lower, "serviceunknown"), strings.Contains(lower, "name has no owner"):
		return reasonNoService
	case strings.Contains(lower, "failed to unlock"), strings.Contains(lower, "islocked"),
		strings.Contains(lower, "prompt") && strings.Contains(lower, "dismiss"):
		return reasonLocked
	case strings.Contains(lower, "accessdenied"), strings.Contains(lower, "access denied"),
		strings.Contains(lower, "not allowed"), strings.Contains(lower, "permission denied"):
		return reasonDenied
	case strings.Contains(lower, "couldn't determine address of session bus"),
		strings.Contains(lower, "dbus-launch"),
		(strings.Contains(lower, "dbus:") || strings.Contains(lower, "dial unix") || strings.Contains(lower, "connect:")) &&
			(strings.Contains(lower, "connection refused") || strings.Contains(lower, "no such file")),
		strings.Contains(lower, "autolaunch"):
		return reasonNoBus
	}
	return "the keychain reported an error: " + clip(msg, 200)
}

// clip shortens s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
