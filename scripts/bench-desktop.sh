#!/usr/bin/env bash
# The desktop app's cost while it streams (issue 11, "Smooth at any size"):
# the real binary under Xvfb, the fake API at 100 tokens/s, three replies of
# 3,500 tokens ("/long 3500"), each in a new chat. Every 0.5 s /proc gives
# the CPU time of the WebKitWebProcess's main thread (JavaScript, style,
# layout) and of the whole web process, of murmur, of WebKit's network
# process and of the rest, and of Xvfb apart (its software painting is what a
# machine with a GPU does not pay). Memory: the PSS of murmur and its WebKit
# processes idle (settled after start) and after the three streams (settled).
# Reports the web main thread's % of one core over the first and last third
# of each stream and their ratio; writes build/artifacts/bench-desktop.json
# (and bench-desktop-software.json for the run without GL, below).
# Nothing is asserted: the issue's targets are printed beside the figures.
#
# Usage: scripts/bench-desktop.sh path/to/murmur path/to/murmur-fake-api
set -euo pipefail

bin=$(realpath "${1:?usage: bench-desktop.sh path/to/murmur path/to/murmur-fake-api}")
fake=$(realpath "${2:?usage: bench-desktop.sh path/to/murmur path/to/murmur-fake-api}")
root=$(cd "$(dirname "$0")/.." && pwd)
artifacts="$root/build/artifacts"
mkdir -p "$artifacts"

# Twice: as a user gets it (WebKit's accelerated compositing, which under
# Xvfb is GL in software: Mesa's llvmpipe, in the web process's CPU and
# memory), then with WEBKIT_DISABLE_COMPOSITING_MODE=1 (WebKit paints
# without GL), so that what software GL costs here is reported apart.
if [[ "${BENCH_DESKTOP_INNER:-}" != 1 ]]; then
  export BENCH_DESKTOP_INNER=1
  BENCH_DESKTOP_MODE=composited xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- "$0" "$bin" "$fake"
  BENCH_DESKTOP_MODE=software WEBKIT_DISABLE_COMPOSITING_MODE=1 \
    xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- "$0" "$bin" "$fake"
  exit
fi
echo "bench-desktop: ${BENCH_DESKTOP_MODE:-composited}$([[ ${BENCH_DESKTOP_MODE:-} == software ]] && echo ' (WEBKIT_DISABLE_COMPOSITING_MODE=1: no GL)')"

name=bench-desktop
rate=100
tokens=3500
streams=3
# shellcheck source=scripts/desktop-session.sh
source "$root/scripts/desktop-session.sh"

# The Xvfb serving this display (xvfb-run started it).
xvfb=""
for p in /proc/[0-9]*; do
  if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q "^Xvfb $DISPLAY "; then
    xvfb=${p#/proc/}
    break
  fi
done
[[ -n "$xvfb" ]] || fail "no Xvfb process serves $DISPLAY"

session_setup "$rate"
app_start

# pss_settled FILE: the PSS of murmur and its WebKit processes once two
# readings 1 s apart are within 1 MiB (or after 20 s), as JSON in FILE.
pss_settled() {
  local prev=-99999 cur deadline=$(($(now_ms) + 20000))
  while :; do
    probe pss "$pid" >"$1"
    cur=$(node -p "JSON.parse(require('fs').readFileSync('$1','utf8')).totalKB")
    ((cur - prev < 1024 && prev - cur < 1024)) && break
    (($(now_ms) < deadline)) || { echo "$name: the PSS had not settled after 20 s; using the last reading"; break; }
    prev=$cur
    sleep 1
  done
  echo "$((cur / 1024)) MiB"
}

step "wait for the idle app's memory to settle"
step_end "$(pss_settled "$tmp/pss-idle.json")"
probe processes "$pid" | sed "s/^/$name:   /"

node "$root/scripts/desktop-probe.mjs" sample "$pid" "$xvfb" "$tmp/samples.jsonl" 500 &
sampler_pid=$!

marks="[" sep=""
for i in $(seq 1 "$streams"); do
  step "stream $i: $tokens tokens at $rate tokens/s"
  app_focus
  xdotool key --clearmodifiers ctrl+n # a new chat
  app_focus
  app_type "/long $tokens"
  start=$(now_ms)
  xdotool key --clearmodifiers Return
  got=$(probe reply "$data" "$api" "/long $tokens" 180000 "$i" 2>&1) || fail "$got"
  end=$(now_ms)
  kb=$(probe pss "$pid" | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).totalKB')
  marks+="$sep{\"start\":$start,\"end\":$end,\"tokens\":$tokens,\"pssKBAfter\":$kb}" sep=","
  step_end "$(((end - start) / 1000)) s; PSS right after: $((kb / 1024)) MiB"
done
marks+="]"

step "wait for the memory to settle after the streams"
step_end "$(pss_settled "$tmp/pss-after.json")"
kill "$sampler_pid"
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""

cat >"$tmp/marks.json" <<EOF
{"machine": "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end", "rate": $rate, "streams": $marks}
EOF
out="$artifacts/bench-desktop.json"
if [[ ${BENCH_DESKTOP_MODE:-} == software ]]; then out="$artifacts/bench-desktop-software.json"; fi
probe report "$tmp/samples.jsonl" "$tmp/marks.json" "$tmp/pss-idle.json" "$tmp/pss-after.json" "$out"
echo "$name: results in $out"
app_quit
