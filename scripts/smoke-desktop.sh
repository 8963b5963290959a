#!/usr/bin/env bash
# Smoke test of the real desktop binary: start it under Xvfb with a private
# session bus and temp HOME/XDG dirs, wait for its window, check the window
# paints the app (not a blank surface), check a second launch hands over to
# the first, stop it with SIGTERM and check it exits 0 and remembered its
# window geometry. Leaves the screenshot in build/artifacts/.
#
# Usage: scripts/smoke-desktop.sh path/to/murmur
# Needs: xvfb-run, dbus-run-session, xdotool, ImageMagick (Makefile installs them).
set -euo pipefail

bin=$(realpath "${1:?usage: smoke-desktop.sh path/to/murmur}")
root=$(cd "$(dirname "$0")/.." && pwd)
artifacts="$root/build/artifacts"
mkdir -p "$artifacts"

if [[ "${SMOKE_INNER:-}" != 1 ]]; then
  export SMOKE_INNER=1
  exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- "$0" "$bin"
fi

tmp=$(mktemp -d)
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
  XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "smoke: FAIL: $*" >&2
  [[ -f "$tmp/app.log" ]] && { echo "--- app output ---" >&2; tail -n 40 "$tmp/app.log" >&2; }
  exit 1
}

now_ms() { date +%s%3N; }

start=$(now_ms)
"$bin" >"$tmp/app.log" 2>&1 &
pid=$!

# Wait for the window to be mapped (visible): it starts hidden and is shown on DOM-ready.
win=""
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || fail "the app exited before showing a window"
  win=$(xdotool search --onlyvisible --name '^Murmur$' 2>/dev/null | head -n 1 || true)
  [[ -n "$win" ]] && break
  sleep 0.05
done
[[ -n "$win" ]] || fail "no visible window titled Murmur within 15 s"
mapped=$(now_ms)
echo "smoke: launch to window mapped: $((mapped - start)) ms"

# Wait for the first paint: the app area must show more than a handful of colours.
eval "$(xdotool getwindowgeometry --shell "$win")"
shot="$artifacts/desktop-smoke.png"
colours=0
for _ in $(seq 1 100); do
  import -window "$win" "$shot" 2>/dev/null || true
  colours=$(convert "$shot" -format '%k' info: 2>/dev/null || echo 0)
  (( colours > 12 )) && break
  sleep 0.1
done
painted=$(now_ms)
(( colours > 12 )) || fail "the window looks blank: only $colours distinct colours after 10 s"
echo "smoke: launch to first paint: $((painted - start)) ms ($colours colours in ${WIDTH}x${HEIGHT})"
echo "smoke: screenshot: $shot"

# A second launch must hand over to the running one and leave.
second_start=$(now_ms)
"$bin" >"$tmp/second.log" 2>&1 &
second=$!
for _ in $(seq 1 100); do
  kill -0 "$second" 2>/dev/null || break
  sleep 0.05
done
if kill -0 "$second" 2>/dev/null; then
  kill -9 "$second" 2>/dev/null || true
  fail "a second launch did not hand over to the first within 5 s"
fi
count=$(xdotool search --onlyvisible --name '^Murmur$' 2>/dev/null | wc -l)
(( count == 1 )) || fail "$count Murmur windows after a second launch, want 1"
kill -0 "$pid" 2>/dev/null || fail "the first instance died when a second was launched"
echo "smoke: second launch handed over in $(( $(now_ms) - second_start )) ms"

# SIGTERM: exit 0 within a few seconds.
kill -TERM "$pid"
code=""
for _ in $(seq 1 100); do
  if ! kill -0 "$pid" 2>/dev/null; then
    set +e; wait "$pid"; code=$?; set -e
    break
  fi
  sleep 0.05
done
[[ -n "$code" ]] || fail "the app did not exit within 5 s of SIGTERM"
pid=""
[[ "$code" == 0 ]] || fail "the app exited with status $code after SIGTERM, want 0"
echo "smoke: SIGTERM: exited 0"
if grep -q 'CRITICAL' "$tmp/app.log"; then
  grep 'CRITICAL' "$tmp/app.log" >&2
  fail "quitting logged GTK criticals (the window was asked something after it was gone)"
fi

state="$XDG_STATE_HOME/murmur/window.json"
[[ -s "$state" ]] || fail "the window geometry was not saved to $state"
grep -q '"width"' "$state" || fail "window state has no width: $(cat "$state")"
echo "smoke: window geometry remembered in \$XDG_STATE_HOME/murmur/window.json"
echo "smoke: PASS"
