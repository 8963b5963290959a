package secrets

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// KV is a store of named values: browser storage in the web build.
type KV interface {
	// Get returns the value under key; ok is false when there is none.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	Put(ctx context.Context, key string, value []byte) error
	Delete(ctx context.Context, key string) error
}

// Vault is the web build's keychain: the browser's storage, used only when
// the user chose "remember keys on this device". Off (the default), it
// answers like SessionOnly, so that keys last until the page closes. The
// choice itself is kept in the store too.
//
// Keys kept in browser storage are not encrypted: any script running on
// the page's origin, and anyone who can open the browser profile, can read
// them. RememberWarning says so for the UI.
type Vault struct {
	kv KV

	mu sync.Mutex
	on bool
}

// RememberWarning is what the user reads before turning the vault on.
const RememberWarning = "The key will be stored in this browser's storage for this site, unencrypted. " +
	"Anyone who uses this browser profile, and any script that runs on this site, can read it. " +
	"Only do this on your own device, and prefer `murmur serve`, which keeps the key on your server."

const (
	vaultFlagKey  = "keys.remember"
	vaultKeyStart = "key:"
	sessionReason = "keys are kept until this tab closes; turn on \"Remember keys on this device\" in Settings to keep them"
)

// OpenVault reads the user's choice from kv.
func OpenVault(ctx context.Context, kv KV) (*Vault, error) {
	b, ok, err := kv.Get(ctx, vaultFlagKey)
	if err != nil {
		return nil, fmt.Errorf("read whether keys are remembered: %w", err)
	}
	return &Vault{kv: kv, on: ok && string(b) == "on"}, nil
}

// On reports whether keys are remembered.
func (v *Vault) On() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.on
}

func (v *Vault) setOn(ctx context.Context, on bool) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	var err error
	if on {
		err = v.kv.Put(ctx, vaultFlagKey, []byte("on"))
	} else {
		err = v.kv.Delete(ctx, vaultFlagKey)
	}
	if err != nil {
		return fmt.Errorf("save whether keys are remembered: %w", err)
	}
	v.on = on
	return nil
}

func (v *Vault) off() error {
	if v.On() {
		return nil
	}
	return &unavailableError{reason: sessionReason}
}

// Get reads a stored key.
func (v *Vault) Get(service, account string) (string, error) {
	if err := v.off(); err != nil {
		return "", err
	}
	b, ok, err := v.kv.Get(context.Background(), vaultKeyStart+account)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrNotFound
	}
	return string(b), nil
}

// Set stores a key.
func (v *Vault) Set(service, account, secret string) error {
	if err := v.off(); err != nil {
		return err
	}
	return v.kv.Put(context.Background(), vaultKeyStart+account, []byte(secret))
}

// Delete removes a stored key, whether or not keys are remembered now.
func (v *Vault) Delete(service, account string) error {
	if err := v.kv.Delete(context.Background(), vaultKeyStart+account); err != nil {
		return err
	}
	return v.off()
}

// ErrNotSwitchable reports that keys are kept in the system keychain, which
// cannot be turned off (the desktop and the command line).
var ErrNotSwitchable = errors.New("keys are kept in the system keychain")

// Remembering reports whether the keychain is one the user switches on and
// off (the web build's Vault), and whether it is on.
func (k *Keys) Remembering() (switchable, on bool) {
	v, ok := k.backend.(*Vault)
	if !ok {
		return false, false
	}
	return true, v.On()
}

// Remember turns the Vault on or off. On, the keys held for this session
// are stored; off, the stored keys of providerIDs move into the session
// (still usable until the page closes) and are deleted from storage.
func (k *Keys) Remember(ctx context.Context, on bool, providerIDs []string) error {
	v, ok := k.backend.(*Vault)
	if !ok {
		return ErrNotSwitchable
	}
	if on {
		if err := v.setOn(ctx, true); err != nil {
			return err
		}
		k.markUp()
		k.mu.Lock()
		held := make(map[string]string, len(k.session))
		for id, key := range k.session {
			held[id] = key
		}
		k.mu.Unlock()
		for id, key := range held {
			if err := k.call(ctx, func() error { return v.Set(Service, id, key) }); err != nil {
				return fmt.Errorf("store the key of %q: %w", id, err)
			}
			k.mu.Lock()
			if k.session[id] == key {
				delete(k.session, id)
			}
			k.mu.Unlock()
		}
		return nil
	}
	for _, id := range providerIDs {
		key, err := k.getKeychain(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read the stored key of %q: %w", id, err)
		}
		k.mu.Lock()
		k.session[id] = key
		k.mu.Unlock()
		if err := k.call(ctx, func() error { return v.kv.Delete(ctx, vaultKeyStart+id) }); err != nil {
			return fmt.Errorf("delete the stored key of %q: %w", id, err)
		}
	}
	if err := v.setOn(ctx, false); err != nil {
		return err
	}
	k.markDown(&unavailableError{reason: sessionReason})
	return nil
}
