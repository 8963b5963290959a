//go:build !js && !darwin && !windows

package secrets

import (
	"fmt"
	"os"
)

// sessionBusCheck reports a readable error when no D-Bus session bus can be
// found the way godbus looks for one. Without this check godbus would run
// dbus-launch, which starts a bus daemon that outlives the app.
func sessionBusCheck() error {
	return busCheck(os.Getenv, os.Getuid(), func(name string) bool {
		_, err := os.Stat(name)
		return err == nil
	})
}

// busCheck mirrors godbus' discovery: DBUS_SESSION_BUS_ADDRESS (other than
// "autolaunch:"), then /run/user/<uid>/bus or /run/user/<uid>/dbus-session.
func busCheck(getenv func(string) string, uid int, exists func(string) bool) error {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := fmt.Sprintf("/run/user/%d", uid)
	if exists(dir+"/bus") || exists(dir+"/dbus-session") {
		return nil
	}
	return &unavailableError{reason: reasonNoBus}
}
