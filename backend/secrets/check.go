package secrets

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MaxKeyBytes is the largest key accepted on any platform: far more than any
// API key, small enough that a pasted file is caught.
const MaxKeyBytes = 16 << 10

// Keychain size limits of the platforms that have them.
const (
	// WindowsMaxKeyBytes is the Windows Credential Manager's limit on a secret.
	WindowsMaxKeyBytes = 2560
	// darwinMaxCommand is the longest command go-keyring (v0.2.8) sends to
	// macOS's "security -i": "add-generic-password -U -s <service> -a
	// <account> -w go-keyring-base64:<base64 of the key>\n". With Murmur's
	// service and provider ids (which need no shell quoting) that allows a
	// key of about 3000 bytes.
	darwinMaxCommand = 4096
	darwinFixed      = len("add-generic-password -U -s  -a  -w go-keyring-base64:\n")
)

// DarwinMaxKeyBytes returns the largest key go-keyring can store on macOS
// for a provider id: about 3000 bytes.
func DarwinMaxKeyBytes(service, account string) int {
	avail := darwinMaxCommand - darwinFixed - len(service) - len(account)
	return avail / 4 * 3 // base64 turns every 3 bytes into 4
}

// TooLargeError reports a key larger than the platform's keychain holds.
type TooLargeError struct {
	Size     int    // bytes in the key
	Limit    int    // bytes the platform allows for the key
	Platform string // GOOS
}

// Error says how large the key is and what the keychain holds.
func (e *TooLargeError) Error() string {
	switch {
	case e.Limit == 0:
		return fmt.Sprintf("the key is %d bytes, more than the keychain accepts", e.Size)
	case e.Platform == "windows":
		return fmt.Sprintf("the key is %d bytes; the Windows Credential Manager holds at most %d", e.Size, e.Limit)
	case e.Platform == "darwin":
		return fmt.Sprintf("the key is %d bytes; the macOS Keychain holds at most about %d for this provider", e.Size, e.Limit)
	}
	return fmt.Sprintf("the key is %d bytes; an API key is never longer than %d — was a file pasted?", e.Size, e.Limit)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// checkSize applies the platform's keychain limit and the general cap.
func checkSize(goos, service, account, key string) error {
	limit := MaxKeyBytes
	switch goos {
	case "windows":
		limit = WindowsMaxKeyBytes
	case "darwin":
		limit = DarwinMaxKeyBytes(service, account)
	}
	if len(key) > limit {
		return &TooLargeError{Size: len(key), Limit: limit, Platform: goos}
	}
	return nil
}

// cleanKey trims a pasted key and refuses one that cannot be a key.
func cleanKey(key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", errors.New("the key is empty")
	}
	for _, r := range key {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return "", errors.New("the key contains spaces, line breaks or control characters; paste only the key")
		}
	}
	return key, nil
}

// MaxProviderIDLen bounds a provider id.
const MaxProviderIDLen = 64

// ValidProviderID reports whether id can name a provider: 1 to 64 lower-case
// letters, digits, "-", "_" or ".", starting with a letter or digit.
func ValidProviderID(id string) bool {
	return checkProviderID(id) == nil
}

func checkProviderID(id string) error {
	if id == "" {
		return errors.New("the provider id is empty")
	}
	if len(id) > MaxProviderIDLen {
		return fmt.Errorf("the provider id is longer than %d characters", MaxProviderIDLen)
	}
	for i, r := range id {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || (i > 0 && (r == '-' || r == '_' || r == '.'))
		if !ok {
			return fmt.Errorf("the provider id %q may hold only lower-case letters, digits, '-', '_' and '.', starting with a letter or digit", clip(id, MaxProviderIDLen))
		}
	}
	return nil
}
