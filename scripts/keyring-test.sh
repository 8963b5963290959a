#!/usr/bin/env bash
# Runs backend/secrets' real Secret Service test (build tag keyring_integration)
# in a throw-away session: a temporary HOME and XDG dirs, a private D-Bus
# session bus (dbus-run-session) and gnome-keyring unlocked with a test
# password. Nothing touches the user's own keychain, and no daemon outlives
# the script. Exits non-zero on any failure.
#
# Needs: apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in go dbus-run-session dbus-daemon dbus-send gnome-keyring-daemon; do
	if ! command -v "$tool" >/dev/null; then
		echo "keyring-test: $tool is missing (apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools)" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/murmur-keyring.XXXXXX")
home="$tmp/home"

# leftover_pids lists processes that run with our temporary HOME: anything
# started inside the sandbox (bus, keyring, a dbus-launch) that is still alive.
leftover_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		if { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF "HOME=$home"; then
			echo "${p#/proc/}"
		fi
	done
}

cleanup() {
	local pids
	pids=$(leftover_pids || true)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Build the test binary with the user's Go caches, before HOME changes.
go test -c -tags keyring_integration -o "$tmp/secrets.test" ./backend/secrets

mkdir -p "$home" "$tmp/tmp"
export HOME="$home"
export XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config"
export XDG_CACHE_HOME="$home/.cache" XDG_STATE_HOME="$home/.local/state"
export XDG_RUNTIME_DIR="$home/run" TMPDIR="$tmp/tmp"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS SWARMS_API_KEY GNOME_KEYRING_CONTROL
export MURMUR_KEYRING_SANDBOX=1 MURMUR_KEYRING_KEYS_FILE="$tmp/keys"

status=0
timeout 300 dbus-run-session -- bash -c '
	set -u
	echo -n murmur-test-password | gnome-keyring-daemon --foreground --unlock --components=secrets \
		>"$TMPDIR/gnome-keyring.log" 2>&1 &
	gk=$!
	trap "kill $gk 2>/dev/null; wait $gk 2>/dev/null" EXIT
	for _ in $(seq 100); do
		if dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
			org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
			break
		fi
		sleep 0.1
	done
	"$1" -test.v -test.count=1 -test.timeout=240s -test.run "^TestIntegration"
' keyring-test "$tmp/secrets.test" || status=$?

# Every daemon started for the test must be gone by now.
sleep 0.2
left=$(leftover_pids || true)
if [ -n "$left" ]; then
	echo "keyring-test: processes left behind:" >&2
	for p in $left; do { tr '\0' ' ' <"/proc/$p/cmdline"; } >&2 2>/dev/null; echo >&2; done
	status=1
fi

# No file under the temporary HOME may hold a key the test used, now that
# the keyring daemon has exited and written whatever it writes.
if [ -s "$tmp/keys" ]; then
	if grep -rlF -f "$tmp/keys" "$home" >&2; then
		echo "keyring-test: the files above contain a test key in plain text" >&2
		status=1
	else
		echo "keyring-test: no file under the temporary HOME contains a test key ($(wc -l <"$tmp/keys") keys checked)"
	fi
elif [ "$status" -eq 0 ]; then
	echo "keyring-test: the test recorded no keys to check" >&2
	status=1
fi

if [ "$status" -eq 0 ]; then
	echo "keyring-test: PASS"
else
	echo "keyring-test: FAIL" >&2
fi
exit "$status"
