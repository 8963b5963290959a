//go:build !js && !darwin && !windows

package secrets

import (
	"errors"
	"strings"
	"testing"
)

func TestBusCheck(t *testing.T) {
	tests := []struct {
		name   string
		addr   string
		files  []string
		wantOK bool
	}{
		{"address set", "unix:path=/tmp/bus", nil, true},
		{"autolaunch is not a bus", "autolaunch:", nil, false},
		{"runtime bus socket", "", []string{"/run/user/1000/bus"}, true},
		{"dbus-session file", "", []string{"/run/user/1000/dbus-session"}, true},
		{"nothing", "", nil, false},
		{"another user's bus", "", []string{"/run/user/1001/bus"}, false},
	}
	for _, tt := range tests {
		getenv := func(k string) string {
			if k == "DBUS_SESSION_BUS_ADDRESS" {
				return tt.addr
			}
			return ""
		}
		exists := func(name string) bool {
			for _, f := range tt.files {
				if f == name {
					return true
				}
			}
			return false
		}
		err := busCheck(getenv, 1000, exists)
		if (err == nil) != tt.wantOK {
			t.Errorf("%s: %v", tt.name, err)
		}
		if err != nil && (!errors.Is(err, ErrNoKeychain) || !strings.Contains(err.Error(), "no D-Bus session bus")) {
			t.Errorf("%s: %v, want a readable no-bus error", tt.name, err)
		}
	}
}
