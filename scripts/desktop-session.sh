# shellcheck shell=bash disable=SC2034,SC2154 # name, bin, fake and root come from the script sourcing this; data is for it
# Sourced by scripts/desktop-e2e.sh and scripts/bench-desktop.sh once they run
# under xvfb-run and dbus-run-session: a throw-away HOME and XDG folders, the
# fake API (cmd/murmur-fake-api) on a free loopback port with a provider set
# up for it by the CLI, and the real desktop binary started in that session,
# driven as a user would (xdotool). Set before sourcing: name (the prefix of
# every line), bin (build/bin/murmur), fake (the fake API binary), root.
#
# Functions: step WHAT (prints the previous step's time, starts the next),
# fail MSG (names the step, shows the app's log), session_setup RATE,
# app_start, app_focus, app_type TEXT, wait_window NAME_REGEX SECONDS,
# window_gone ID SECONDS, painted ID SECONDS, settled ID SECONDS, app_quit
# (Ctrl+Q, then a clean exit). probe ARGS (scripts/desktop-probe.mjs). Sets: tmp, api, data, pid, win.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/murmur-desktop.XXXXXX")
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" \
  XDG_CACHE_HOME="$tmp/cache" XDG_STATE_HOME="$tmp/state" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset SWARMS_API_KEY
# GSettings from a file in the throw-away config folder, not dconf: GTK's
# file dialog opens in the folder the app was started in (the temporary one)
# rather than in Recent, whose type-to-search forwards keys to a search
# entry not yet realized (a Gtk-CRITICAL from GTK itself, whichever key).
export GSETTINGS_BACKEND=keyfile
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf '[org/gtk/settings/file-chooser]\nstartup-mode=%s\n' "'cwd'" >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
data="$XDG_DATA_HOME/murmur"
probe() { node "$root/scripts/desktop-probe.mjs" "$@"; }

pid="" fake_pid="" api="" win=""
session_cleanup() {
  # Whatever has already exited, the rest is still stopped and removed (and
  # the script's own exit status is kept).
  local status=$?
  set +e
  [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null
  [[ -n "$fake_pid" ]] && kill "$fake_pid" 2>/dev/null
  [[ -n "${sampler_pid:-}" ]] && kill "$sampler_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
  return "$status"
}
trap session_cleanup EXIT
# A cancelled job (SIGTERM, Ctrl-C) cleans up too: bash runs EXIT traps on exit, not on a fatal signal.
trap 'exit 143' TERM
trap 'exit 130' INT

now_ms() { date +%s%3N; }
session_start=$(now_ms)
step_name="" step_start=$session_start

# step WHAT: ends the step running (printing its time) and starts WHAT.
step() {
  step_end
  step_name=$1 step_start=$(now_ms)
}

# step_end [DETAIL]: prints the step running with its time; the step fails
# if the app logged a GTK critical (a widget asked after it was gone, ...).
step_end() {
  [[ -n "$step_name" ]] || return 0
  if [[ -s "$tmp/app.log" ]] && grep 'CRITICAL' "$tmp/app.log" >&2; then
    fail "the app logged the GTK criticals above"
  fi
  echo "$name: $step_name: ${1:-ok} ($(($(now_ms) - step_start)) ms)"
  step_name=""
}

fail() {
  echo "$name: FAIL at step \"${step_name:-set-up}\" after $(($(now_ms) - step_start)) ms: $*" >&2
  if [[ -n "${artifacts:-}" ]] && import -window root "$artifacts/$name-failed.png" 2>/dev/null; then
    echo "$name: the screen at the failure: $artifacts/$name-failed.png" >&2
  fi
  if [[ -s "$tmp/app.log" ]]; then
    echo "--- the app's output (last 60 lines) ---" >&2
    tail -n 60 "$tmp/app.log" >&2
  fi
  if [[ -s "$XDG_STATE_HOME/murmur/murmur.log" ]]; then
    echo "--- \$XDG_STATE_HOME/murmur/murmur.log (last 30 lines) ---" >&2
    tail -n 30 "$XDG_STATE_HOME/murmur/murmur.log" >&2
  fi
  if [[ -s "$tmp/fake.log" ]]; then
    echo "--- the fake API's output ---" >&2
    tail -n 20 "$tmp/fake.log" >&2
  fi
  exit 1
}

# session_setup RATE: the fake API on a free port, a provider for it.
session_setup() {
  step "start the fake API"
  "$fake" -addr 127.0.0.1:0 -rate "$1" >"$tmp/fake.log" 2>&1 &
  fake_pid=$!
  local deadline=$(($(now_ms) + 10000))
  while [[ -z "$api" ]]; do
    kill -0 "$fake_pid" 2>/dev/null || fail "the fake API exited"
    (($(now_ms) < deadline)) || fail "the fake API printed no address within 10 s"
    api=$(sed -n 's|^fake OpenAI-compatible API at \(http://[^ ]*\) .*|\1|p' "$tmp/fake.log")
    [[ -n "$api" ]] || sleep 0.05
  done
  step_end "$api, $1 tokens/s"

  step "set up the provider with the CLI"
  "$bin" provider add --preset custom --id fake --base-url "$api" --auth none --model fake-model --default \
    >"$tmp/cli.log" 2>&1 || fail "murmur provider add: $(cat "$tmp/cli.log")"
  step_end
}

# wait_window NAME_REGEX SECONDS: prints the id of the visible window so named.
wait_window() {
  local w deadline=$(($(now_ms) + $2 * 1000))
  while (($(now_ms) < deadline)); do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "the app exited" >&2
      return 1
    fi
    w=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1 || true)
    [[ -n "$w" ]] && { echo "$w"; return 0; }
    sleep 0.05
  done
  return 1
}

# window_gone ID SECONDS: waits until the window is no longer visible.
window_gone() {
  local deadline=$(($(now_ms) + $2 * 1000))
  while (($(now_ms) < deadline)); do
    xdotool search --onlyvisible --name . 2>/dev/null | grep -qx "$1" || return 0
    sleep 0.05
  done
  return 1
}

# painted WINDOW SECONDS: waits until WINDOW shows more than a handful of
# colours (not a blank surface); prints how many.
painted() {
  local colours=0 deadline=$(($(now_ms) + $2 * 1000))
  while (($(now_ms) < deadline)); do
    colours=$(import -window "$1" png:- 2>/dev/null | convert png:- -format '%k' info: 2>/dev/null || echo 0)
    ((colours > 12)) && { echo "$colours"; return 0; }
    sleep 0.1
  done
  return 1
}

# settled WINDOW SECONDS: waits until two captures of WINDOW 0.15 s apart
# are the same (whatever it was drawing or laying out has finished).
settled() {
  local cur prev="" deadline=$(($(now_ms) + $2 * 1000))
  while (($(now_ms) < deadline)); do
    # A capture that failed (no bytes: the MD5 of nothing) is not a settled
    # window. (Through a pipe: a file in $tmp would change the file dialog.)
    cur=$(import -window "$1" png:- 2>/dev/null | md5sum)
    [[ "$cur" != "d41d8cd98f00b204e9800998ecf8427e  -" && "$cur" == "$prev" ]] && return 0
    prev=$cur
    sleep 0.15
  done
  return 1
}

# app_start: the desktop app, its window mapped and painted.
app_start() {
  step "start the app and wait for its window"
  (cd "$tmp" && exec "$bin") >"$tmp/app.log" 2>&1 &
  pid=$!
  win=$(wait_window '^Murmur$' 20) || fail "no visible window titled Murmur within 20 s"
  local colours
  colours=$(painted "$win" 15) || fail "the window still looks blank after 15 s"
  settled "$win" 10 || fail "the window was still changing 10 s after its first paint"
  step_end "window $win painted ($colours colours)"
}

# app_focus: keyboard focus on the app's window and the caret in the
# composer (Ctrl+L is the app's "go to the message box"). There is no
# window manager under Xvfb, so the focus is set directly.
app_focus() {
  xdotool windowfocus --sync "$win" 2>/dev/null || xdotool windowfocus "$win"
  xdotool key --clearmodifiers ctrl+l
}

# app_type TEXT: types TEXT into the focused field.
app_type() {
  xdotool type --clearmodifiers --delay 8 -- "$1"
}

# app_quit: Ctrl+Q; the app must exit 0 and log no GTK criticals.
app_quit() {
  step "quit with Ctrl+Q"
  app_focus
  xdotool key --clearmodifiers ctrl+q
  local code="" deadline=$(($(now_ms) + 10000))
  while (($(now_ms) < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      set +e
      wait "$pid"
      code=$?
      set -e
      break
    fi
    sleep 0.05
  done
  [[ -n "$code" ]] || fail "the app was still running 10 s after Ctrl+Q"
  pid=""
  [[ "$code" == 0 ]] || fail "the app exited with status $code after Ctrl+Q, want 0"
  step_end "exited 0, no GTK criticals"
}
