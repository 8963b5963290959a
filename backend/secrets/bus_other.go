//go:build !js && (darwin || windows)

package secrets

// sessionBusCheck is a no-op where the keychain does not use D-Bus.
func sessionBusCheck() error { return nil }
