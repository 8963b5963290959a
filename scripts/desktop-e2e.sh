#!/usr/bin/env bash
# The real desktop binary end to end, driven as a user would under Xvfb
# (issue 11): a throw-away HOME, the fake API on a free loopback port with a
# provider set up by the CLI, then: type a prompt in the composer and press
# Return; find it and the fake's whole streamed reply, complete, in the stored
# conversation; attach a PNG through the file button and the GTK file dialog
# and send it; find it referenced in the conversation and stored once under
# its content id; take a screenshot (build/artifacts/desktop-e2e.png); quit
# with Ctrl+Q: exit 0 and no GTK criticals. Every step prints its time; a
# failure names its step and shows the app's log.
#
# Usage: scripts/desktop-e2e.sh path/to/murmur path/to/murmur-fake-api
# Needs: xvfb-run, dbus-run-session, xdotool, ImageMagick, node (make installs them).
set -euo pipefail

bin=$(realpath "${1:?usage: desktop-e2e.sh path/to/murmur path/to/murmur-fake-api}")
fake=$(realpath "${2:?usage: desktop-e2e.sh path/to/murmur path/to/murmur-fake-api}")
root=$(cd "$(dirname "$0")/.." && pwd)
artifacts="$root/build/artifacts"
mkdir -p "$artifacts"

if [[ "${DESKTOP_E2E_INNER:-}" != 1 ]]; then
  export DESKTOP_E2E_INNER=1
  exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- "$0" "$bin" "$fake"
fi

name=desktop-e2e
# shellcheck source=scripts/desktop-session.sh
source "$root/scripts/desktop-session.sh"

session_setup 200
app_start

# A prompt no other run or canned answer holds.
word="zebra$RANDOM$RANDOM"
prompt="Hello from the desktop test, $word"

step "type a prompt and press Return"
app_focus
app_type "$prompt"
xdotool key --clearmodifiers Return
step_end "\"$prompt\""

step "wait for the streamed reply in the stored conversation"
got=$(probe reply "$data" "$api" "$prompt" 20000 2>&1) || fail "$got"
step_end "$got"

step "attach a PNG through the file button and the GTK file dialog"
png="$tmp/e2e-$word.png"
convert -size 48x32 xc:'#d03030' -fill '#3050d0' -draw 'rectangle 12,8 35,23' "$png"
id="sha256-$(sha256sum "$png" | cut -d' ' -f1)"
app_focus
xdotool key --clearmodifiers Tab # from the message box to its "Attach files" button
xdotool key --clearmodifiers Return
dialog=$(wait_window '^Attach files$' 10) || fail "the file dialog did not open within 10 s"
# The dialog takes keys once it has settled, so each key waits for what
# the last one changed.
settled "$dialog" 10 || fail "the file dialog was still changing after 10 s"
xdotool windowfocus --sync "$dialog" 2>/dev/null || xdotool windowfocus "$dialog"
settled "$dialog" 5 || fail "the file dialog was still changing 5 s after it got the focus"
xdotool key ctrl+l # the dialog's location field
settled "$dialog" 5 || fail "the file dialog was still changing 5 s after Ctrl+L"
xdotool type --delay 8 -- "$png"
# Return opens the file once the location field's completion has settled;
# pressed earlier, the completion takes it: press it again.
for attempt in 1 2 3 4; do
  settled "$dialog" 5 || fail "the file dialog was still changing 5 s after the path was typed"
  xdotool key Return
  window_gone "$dialog" 3 && break
  ((attempt < 4)) || fail "the file dialog was still open after Return was pressed four times"
  echo "$name: the file dialog is still open; pressing Return again"
done
deadline=$(($(now_ms) + 10000))
until [[ -s "$data/attachments/$id" ]]; do
  (($(now_ms) < deadline)) || fail "the picked file was not kept as attachments/$id within 10 s"
  sleep 0.05
done
step_end "kept as attachments/${id:0:19}…"

step "send the attachment and wait for the reply"
prompt2="What is in this picture, $word?"
app_focus
app_type "$prompt2"
xdotool key --clearmodifiers Return
got=$(probe reply "$data" "$api" "$prompt2" 20000 2>&1) || fail "$got"
got2=$(probe attachment "$data" "$prompt2" "$png" 2>&1) || fail "$got2"
step_end "$got2"

step "screenshot"
shot="$artifacts/desktop-e2e.png"
import -window root "$shot" || fail "import could not take a screenshot"
step_end "$shot"

app_quit
echo "$name: PASS in $(($(now_ms) - session_start)) ms"
