//go:build !js

package secrets

import (
	"errors"

	"github.com/zalando/go-keyring"
)

// SystemKeychain returns the OS keychain through go-keyring: the Secret
// Service on Linux and the BSDs, the Keychain on macOS, the Credential
// Manager on Windows. On Linux it first checks that a D-Bus session bus can
// be found, so that no dbus-launch daemon is spawned (and left behind) where
// there is none.
func SystemKeychain() Backend {
	return goKeyring{busCheck: sessionBusCheck}
}

// GoKeyring returns go-keyring's current provider without the session-bus
// check; tests use it with keyring.MockInit.
func GoKeyring() Backend {
	return goKeyring{busCheck: func() error { return nil }}
}

type goKeyring struct{ busCheck func() error }

func (g goKeyring) Get(service, account string) (string, error) {
	if err := g.busCheck(); err != nil {
		return "", err
	}
	v, err := keyring.Get(service, account)
	return v, mapKeyringError(err)
}

func (g goKeyring) Set(service, account, secret string) error {
	if err := g.busCheck(); err != nil {
		return err
	}
	return mapKeyringError(keyring.Set(service, account, secret))
}

func (g goKeyring) Delete(service, account string) error {
	if err := g.busCheck(); err != nil {
		return err
	}
	return mapKeyringError(keyring.Delete(service, account))
}

// mapKeyringError turns go-keyring's sentinels into this package's.
func mapKeyringError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooLarge
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return &unavailableError{reason: "this system has no supported keychain", err: err}
	}
	return err
}

// defaultBackend is the keychain New uses when no backend is given.
func defaultBackend() Backend { return SystemKeychain() }
