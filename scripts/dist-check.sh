#!/usr/bin/env bash
# Checks that every artifact `make dist` left in dist/ is what it claims to be.
#
# Usage: VERSION=$(git describe --tags --always --dirty) scripts/dist-check.sh
#
# The .deb is installed system-wide (dpkg -i, then /usr/bin/murmur runs and the
# desktop smoke test, then dpkg -r and --purge) only as root with CI=true, or
# with MURMUR_DIST_INSTALL=system: that replaces /usr/bin/murmur. Elsewhere it
# is installed the same way into a private dpkg root in a temp folder, so a
# developer's machine is left alone.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
: "${VERSION:?set VERSION, the git describe output (the Makefile does)}"
GO=${GO:-go}

mkdir -p .tools/bin
release=$root/.tools/bin/murmur-release
"$GO" build -o "$release" ./cmd/murmur-release
commits=$(git rev-list --count HEAD 2>/dev/null || echo 0)
version_as() { "$release" version -commits "$commits" -format "$1" "$VERSION"; }
file_version=$(version_as file)
win_version=$(version_as windows)
deb_version=$(version_as deb)

tmp=$(mktemp -d)
fake_pid="" serve_pid="" # the servers the checks started, while they run
cleanup() {
  if [[ -n "$serve_pid" ]]; then kill "$serve_pid" 2>/dev/null || true; fi
  if [[ -n "$fake_pid" ]]; then kill "$fake_pid" 2>/dev/null || true; fi
  # A system install left by a failed check is removed again.
  if [[ -n "${installed_system:-}" ]]; then dpkg --purge murmur >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "dist-check: ok: $*"; }
fail() {
  echo "dist-check: FAIL: $*" >&2
  exit 1
}
checks=0
passed() { checks=$((checks + 1)); ok "$@"; }

linux_tar="dist/murmur_${file_version}_linux_amd64.tar.gz"
deb="dist/murmur_${file_version}_linux_amd64.deb"
exe="dist/murmur_${file_version}_windows_amd64.exe"
installer="dist/murmur_${file_version}_windows_amd64_installer.exe"
artifacts=("$deb" "$linux_tar" "$exe" "$installer")
server_archs=(amd64 arm64)
for a in "${server_archs[@]}"; do artifacts+=("dist/murmur-server_${file_version}_linux_${a}.tar.gz"); done
icon_sizes=(16 22 24 32 48 64 128 256 512)

# The web app and widget every package carries: what make dist built in
# dist/web, each file beside its .br and .gz where precompress made them.
web=dist/web
[[ -s "$web/index.html" ]] || fail "$web/index.html is missing: run make dist"
web_files=()
while read -r f; do web_files+=("$f"); done < <(cd "$web" && find . -type f | sed 's|^\./||' | sort)

# ---- murmur serve, as a package installs it ------------------------------------

# A fake OpenAI-compatible API on a free loopback port, for every serve check.
"$GO" build -o "$tmp/murmur-fake-api" ./cmd/murmur-fake-api
"$tmp/murmur-fake-api" -addr 127.0.0.1:0 -rate 1000 >"$tmp/fake-api.txt" 2>&1 &
fake_pid=$!

# wait_for FILE REGEX WHAT PID: the first match of REGEX (sed -E, one group)
# in FILE, written by the process PID, within 20 s.
wait_for() {
  local i got
  for ((i = 0; i < 200; i++)); do
    got=$(sed -nE "s|$2|\1|p" "$1" | head -1)
    if [[ -n "$got" ]]; then echo "$got"; return; fi
    kill -0 "$4" 2>/dev/null || { cat "$1" >&2; fail "$3 stopped before it was ready"; }
    sleep 0.1
  done
  cat "$1" >&2
  fail "$3 was not ready after 20 s"
}
fake_api=$(wait_for "$tmp/fake-api.txt" '^fake OpenAI-compatible API at (http://[^ ]+/v1).*' "the fake API" "$fake_pid")

# fetch URL: GET with Accept-Encoding: br; the body in $tmp/body, the headers
# in $tmp/headers; prints the status.
fetch() {
  curl -sS --max-time 10 -o "$tmp/body" -D "$tmp/headers" -H 'Accept-Encoding: br' -w '%{http_code}' "$1" ||
    fail "GET $1 failed"
}
header() { sed -nE "s/^$1: *(.*)\r$/\1/Ip" "$tmp/headers" | tail -1; }

# check_serve WHAT BIN: BIN's `murmur serve`, with no display and a temp home
# whose settings name the fake API (auth none), serves the web app, the widget
# and their WebAssembly (brotli, byte for byte the shipped .br) and proxies.
check_serve() {
  local what=$1 bin=$2 h url status f
  h=$(mktemp -d "$tmp/serve-home.XXXX")
  local env_=(env -u DISPLAY -u WAYLAND_DISPLAY -u MURMUR_WEB
    HOME="$h" XDG_DATA_HOME="$h/data" XDG_CONFIG_HOME="$h/config" XDG_STATE_HOME="$h/state")
  "${env_[@]}" "$bin" provider add --preset custom --id fake --base-url "$fake_api" --auth none \
    --model fake-model --default >"$h/add.txt" 2>&1 || { cat "$h/add.txt" >&2; fail "$what could not save the fake provider"; }
  "${env_[@]}" "$bin" serve --listen 127.0.0.1:0 --provider fake --models fake-model --allow-no-origin \
    >"$h/serve.txt" 2>&1 &
  serve_pid=$!
  url=$(wait_for "$h/serve.txt" '.*msg="murmur serve listening" url=(http://[^ ]+).*' "$what serve" "$serve_pid")

  status=$(fetch "$url/")
  [[ $status == 200 && $(header Content-Type) == text/html* ]] ||
    fail "$what serve: GET / answered $status $(header Content-Type), want 200 text/html"
  grep -qi '<html' "$tmp/body" || fail "$what serve: GET / is not the web app's page"
  for f in murmur/widget.js murmur/murmur.wasm murmur/widget.wasm; do
    status=$(fetch "$url/$f")
    local want_type=text/javascript
    [[ $f == *.wasm ]] && want_type=application/wasm
    [[ $status == 200 && $(header Content-Type) == "$want_type"* && $(header Content-Encoding) == br ]] ||
      fail "$what serve: GET /$f answered $status, Content-Type '$(header Content-Type)', Content-Encoding '$(header Content-Encoding)'; want 200, $want_type, br"
    cmp -s "$tmp/body" "$web/$f.br" || fail "$what serve: GET /$f with br is not dist/web's $f.br"
  done
  status=$(fetch "$url/v1/models")
  [[ $status == 200 ]] && grep -q '"fake-model"' "$tmp/body" ||
    fail "$what serve: GET /v1/models through the proxy answered $status: $(head -c 300 "$tmp/body")"
  kill "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  served="GET / (text/html), /murmur/widget.js, /murmur/murmur.wasm and /murmur/widget.wasm (brotli, application/wasm) and /v1/models through the proxy"
}

# ---- the set of artifacts and their checksums ------------------------------

for a in "${artifacts[@]}"; do
  [[ -s "$a" ]] || fail "$a is missing (VERSION=$VERSION): run make dist"
done
[[ -s dist/SHA256SUMS ]] || fail "dist/SHA256SUMS is missing"
(cd dist && sha256sum --check --quiet --strict SHA256SUMS) || fail "dist/SHA256SUMS does not match the files"
listed=$(awk '{print "dist/" $2}' dist/SHA256SUMS | sort)
want=$(printf '%s\n' "${artifacts[@]}" | sort)
[[ "$listed" == "$want" ]] || fail "SHA256SUMS lists
$listed
want
$want"
passed "SHA256SUMS covers the ${#artifacts[@]} artifacts and matches them"

# ---- Linux archive ------------------------------------------------------------

name="murmur_${file_version}_linux_amd64"
want_files=("$name/LICENSE" "$name/README.md" "$name/bin/murmur"
  "$name/share/applications/murmur.desktop" "$name/share/man/man1/murmur.1"
  "$name/share/metainfo/world.swarms.murmur.metainfo.xml")
for s in "${icon_sizes[@]}"; do want_files+=("$name/share/icons/hicolor/${s}x${s}/apps/murmur.png"); done
for f in "${web_files[@]}"; do want_files+=("$name/share/murmur/web/$f"); done
got=$(tar -tzf "$linux_tar" | grep -v '/$' | sort)
want=$(printf '%s\n' "${want_files[@]}" | sort)
[[ "$got" == "$want" ]] || fail "$linux_tar holds
$got
want
$want"
mkdir -p "$tmp/tar"
tar -xzf "$linux_tar" -C "$tmp/tar"
got=$("$tmp/tar/$name/bin/murmur" --version) || fail "the archive's murmur --version failed"
[[ "$got" == "murmur $VERSION" ]] || fail "the archive's murmur --version prints '$got', want 'murmur $VERSION'"
for s in "${icon_sizes[@]}"; do
  dim=$(identify -format '%wx%h %m' "$tmp/tar/$name/share/icons/hicolor/${s}x${s}/apps/murmur.png")
  [[ "$dim" == "${s}x${s} PNG" ]] || fail "the ${s}x${s} icon is $dim"
done
passed "$linux_tar unpacks to the ${#want_files[@]} listed files (${#web_files[@]} of them the web files); its murmur prints 'murmur $VERSION'; icons are the sizes they claim"
check_serve "the archive's murmur" "$tmp/tar/$name/bin/murmur"
passed "the archive's murmur serve finds share/murmur/web: $served"

# ---- Debian package -----------------------------------------------------------

lintian --fail-on error --no-tag-display-limit "$deb" >"$tmp/lintian.txt" 2>&1 ||
  { cat "$tmp/lintian.txt" >&2; fail "lintian reports errors in $deb"; }
passed "lintian: no errors ($(grep -c '^W:' "$tmp/lintian.txt" || true) warnings, $(grep -c '^I:' "$tmp/lintian.txt" || true) notes)"

[[ "$(dpkg-deb -f "$deb" Version)" == "$deb_version" ]] || fail "the .deb's version is $(dpkg-deb -f "$deb" Version), want $deb_version"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libgtk-3-0 libwebkit2gtk-4.1-0; do
  grep -Eq "(^|, )$p(t64)?( |,|$)" <<<"$depends" || fail "the .deb does not depend on $p: $depends"
done
grep -q gnome-keyring <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "the .deb does not recommend a keyring"
deb_files=("./usr/bin/murmur" "./usr/share/applications/murmur.desktop" "./usr/share/doc/murmur/changelog.gz"
  "./usr/share/doc/murmur/copyright" "./usr/share/man/man1/murmur.1.gz"
  "./usr/share/metainfo/world.swarms.murmur.metainfo.xml")
for s in "${icon_sizes[@]}"; do deb_files+=("./usr/share/icons/hicolor/${s}x${s}/apps/murmur.png"); done
for f in "${web_files[@]}"; do deb_files+=("./usr/share/murmur/web/$f"); done
got=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sort)
want=$(printf '%s\n' "${deb_files[@]}" | sort)
[[ "$got" == "$want" ]] || fail "$deb holds
$got
want
$want"
passed "$deb: version $deb_version, depends on GTK 3 and WebKitGTK 4.1, recommends a keyring, holds the ${#deb_files[@]} listed files"

# Install, run, remove, purge. In "system" mode the root is /, otherwise a
# private dpkg database and root in $tmp.
mode=private
if [[ "${MURMUR_DIST_INSTALL:-}" == system || ("${CI:-}" == true && $(id -u) == 0) ]]; then
  mode=system
fi
if [[ $mode == system ]]; then
  [[ $(id -u) == 0 ]] || fail "MURMUR_DIST_INSTALL=system needs root"
  status=$(dpkg-query -W -f='${Status}' murmur 2>/dev/null || true)
  if [[ -n "$status" && "$status" != *not-installed* ]]; then
    fail "a murmur package is already installed here; remove it (dpkg --purge murmur) before this check replaces it"
  fi
  r=""
  dpkg_=(dpkg)
else
  r="$tmp/root"
  mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
  touch "$r/var/lib/dpkg/status" "$r/var/lib/dpkg/available"
  # The libraries come from the real system; this database knows none of them.
  dpkg_=(dpkg --root="$r" --log=/dev/null --force-not-root --force-depends --force-script-chrootless)
fi
paths=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' | grep -v '^$' | sort -u)
declare -A existed=() # the paths that were there before: /usr, /usr/share/icons/hicolor, …
while read -r p; do if [[ -e "$r$p" ]]; then existed[$p]=1; fi; done <<<"$paths"

"${dpkg_[@]}" -i "$deb" >"$tmp/dpkg.txt" 2>&1 || { cat "$tmp/dpkg.txt" >&2; fail "dpkg -i $deb failed"; }
[[ $mode == system ]] && installed_system=1
bin="$r/usr/bin/murmur"
got=$("$bin" --version) || fail "$bin --version failed"
[[ "$got" == "murmur $VERSION" ]] || fail "$bin --version prints '$got', want 'murmur $VERSION'"
if [[ $mode == system ]]; then
  [[ "$(command -v murmur)" == /usr/bin/murmur ]] || fail "murmur on the PATH is $(command -v murmur), not /usr/bin/murmur"
fi
passed "dpkg -i ($mode root): $bin prints 'murmur $VERSION'"

check_serve "the installed $bin" "$bin"
passed "the installed murmur serve finds /usr/share/murmur/web: $served"

scripts/smoke-desktop.sh "$bin" >"$tmp/smoke.txt" 2>&1 || { cat "$tmp/smoke.txt" >&2; fail "the desktop smoke test of the installed $bin failed"; }
passed "desktop smoke test of the installed $bin: $(grep -c '^smoke:' "$tmp/smoke.txt") steps, PASS"

# The user's data, made by the installed binary, must outlive the package.
home="$tmp/home"
mkdir -p "$home/data" "$home/config" "$home/state"
HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" \
  "$bin" provider add --preset custom --id local --base-url http://127.0.0.1:9/v1 --auth none --model m \
  >"$tmp/user.txt" 2>&1 || { cat "$tmp/user.txt" >&2; fail "the installed murmur could not save a provider"; }
[[ -s "$home/config/murmur/settings.json" ]] || fail "the installed murmur saved no settings"

"${dpkg_[@]}" -r murmur >"$tmp/dpkg.txt" 2>&1 || { cat "$tmp/dpkg.txt" >&2; fail "dpkg -r murmur failed"; }
"${dpkg_[@]}" --purge murmur >"$tmp/dpkg.txt" 2>&1 || { cat "$tmp/dpkg.txt" >&2; fail "dpkg --purge murmur failed"; }
installed_system=""
left=()
while read -r p; do
  if [[ -e "$r$p" && -z "${existed[$p]:-}" ]]; then left+=("$p"); fi
done <<<"$paths"
(( ${#left[@]} == 0 )) || fail "after dpkg --purge these are left: ${left[*]}"
if [[ $mode == private ]]; then
  stray=$(cd "$r" && find . -mindepth 1 ! -path './var/lib/dpkg*' ! -path './var' ! -path './var/lib' | sort)
  [[ -z "$stray" ]] || fail "after dpkg --purge the private root still holds: $stray"
fi
control=("$r"/var/lib/dpkg/info/murmur.*)
[[ ! -e "${control[0]}" ]] || fail "dpkg still keeps murmur's control files: ${control[*]}"
[[ -s "$home/config/murmur/settings.json" ]] || fail "removing the package removed the user's settings"
passed "dpkg -r and --purge leave none of the package's ${#deb_files[@]} files, and keep the user's data"

# ---- Windows ------------------------------------------------------------------

"$release" check-exe -file-version "$win_version" -product-version "$file_version" "$exe" >"$tmp/exe.txt" ||
  fail "$exe is not the Windows app it should be"
passed "$(cat "$tmp/exe.txt")"
"$release" check-exe -installer -file-version "$win_version" -product-version "$file_version" "$installer" >"$tmp/exe.txt" ||
  fail "$installer is not the installer it should be"
passed "$(cat "$tmp/exe.txt")"
listing=$(7z l -ba -slt "$installer" | sed -n 's/^Path = //p' | sort)
# shellcheck disable=SC2016 # $PLUGINSDIR is NSIS's, not a shell variable
for f in murmur.exe uninstall.exe '$PLUGINSDIR/webview2bootstrapper/MicrosoftEdgeWebview2Setup.exe'; do
  grep -qxF "$f" <<<"$listing" || fail "the installer does not hold $f; it holds: $listing"
done
inner=$(7z e -so "$installer" murmur.exe | sha256sum | cut -d' ' -f1)
[[ "$inner" == "$(sha256sum "$exe" | cut -d' ' -f1)" ]] || fail "the installer's murmur.exe differs from $exe"
got=$(grep '^web/' <<<"$listing" | grep -v '/$' || true)
want=$(printf 'web/%s\n' "${web_files[@]}" | sort)
[[ "$got" == "$want" ]] || fail "the installer's web folder holds
$got
want
$want"
7z e -so "$installer" web/murmur/murmur.wasm | cmp -s - "$web/murmur/murmur.wasm" ||
  fail "the installer's web/murmur/murmur.wasm differs from $web/murmur/murmur.wasm"
passed "the installer holds $exe byte for byte, an uninstaller, the WebView2 bootstrapper and the ${#web_files[@]} web files in web\\"

# ---- server archives ------------------------------------------------------------

for a in "${server_archs[@]}"; do
  sname="murmur-server_${file_version}_linux_${a}"
  sarchive="dist/$sname.tar.gz"
  got=$(tar -tzf "$sarchive" | grep -v '/$' | sort)
  want=$(printf '%s\n' "$sname/LICENSE" "$sname/README.md" "$sname/murmur-server" "$sname/murmur-serve.service" "$sname/serve.md" | sort)
  [[ "$got" == "$want" ]] || fail "$sarchive holds
$got
want
$want"
  mkdir -p "$tmp/server-$a"
  tar -xzf "$sarchive" -C "$tmp/server-$a"
  sbin="$tmp/server-$a/$sname/murmur-server"
  machine=$(readelf -h "$sbin" | sed -n 's/^ *Machine: *//p')
  case $a in
    amd64) [[ "$machine" == *X86-64* ]] || fail "$sarchive's binary is for $machine" ;;
    arm64) [[ "$machine" == *AArch64* ]] || fail "$sarchive's binary is for $machine" ;;
  esac
  dynamic=$(readelf -d "$sbin" 2>/dev/null || true)
  if grep -q NEEDED <<<"$dynamic"; then
    fail "$sarchive's binary links shared libraries: $(grep NEEDED <<<"$dynamic")"
  fi
  grep -q 'statically linked' <<<"$(file -b "$sbin")" || fail "file does not call $sarchive's binary static: $(file -b "$sbin")"
  if [[ $a != amd64 ]]; then
    passed "$sarchive: the listed files, a static $machine binary ($(du -k "$sbin" | cut -f1) KB)"
    continue
  fi

  # The amd64 one runs here: as a server would, with no display.
  if ldd "$sbin" >"$tmp/ldd.txt" 2>&1 || ! grep -q 'not a dynamic executable' "$tmp/ldd.txt"; then
    fail "ldd finds libraries in $sarchive's binary: $(cat "$tmp/ldd.txt")"
  fi
  got=$(env -u DISPLAY -u WAYLAND_DISPLAY "$sbin" --version) || fail "$sarchive's murmur-server --version failed"
  [[ "$got" == "murmur $VERSION" ]] || fail "$sarchive's murmur-server --version prints '$got', want 'murmur $VERSION'"
  passed "$sarchive: the listed files, a static $machine binary ($(du -k "$sbin" | cut -f1) KB; file and ldd agree) printing 'murmur $VERSION'"
  check_serve "$sarchive's murmur-server" "$sbin"
  passed "$sarchive's murmur-server serve, no display, web files built in: $served"

  # The example unit: systemd accepts it, and its command line starts the
  # server as the unit runs it (its environment, the key from the
  # environment file, no settings file: the Swarms API) and writes nothing.
  unit="$tmp/server-$a/$sname/murmur-serve.service"
  cmp -s "$unit" build/linux/murmur-serve.service || fail "$sarchive's murmur-serve.service is not build/linux/murmur-serve.service"
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//; s/^ExecStart=//' | tr '\n' ' ')
  read -ra cmd <<<"$exec_start"
  [[ ${cmd[0]} == /usr/local/bin/murmur-server && ${cmd[1]} == serve ]] ||
    fail "murmur-serve.service runs '${cmd[*]:0:2}', want /usr/local/bin/murmur-server serve"
  [[ "$exec_start" != *[\"\'\$%]* ]] || fail "murmur-serve.service's ExecStart quotes or expands; this check reads it word by word"
  args=()
  for ((i = 1; i < ${#cmd[@]}; i++)); do
    if [[ ${cmd[i]} == --listen ]]; then args+=(--listen 127.0.0.1:0); i=$((i + 1)); else args+=("${cmd[i]}"); fi
  done
  u="$tmp/unit"
  mkdir -p "$u/etc/murmur" "$u/run/murmur"
  env -i PATH="$PATH" XDG_CONFIG_HOME="$u/etc" HOME="$u/run/murmur" SWARMS_API_KEY=sk-dist-check-not-a-key \
    "$sbin" "${args[@]}" >"$u/serve.txt" 2>&1 &
  serve_pid=$!
  url=$(wait_for "$u/serve.txt" '.*msg="murmur serve listening" url=(http://[^ ]+).*' "murmur-serve.service's murmur-server serve" "$serve_pid")
  [[ $(fetch "$url/healthz") == 200 ]] || fail "the unit's murmur-server serve: GET /healthz answered $(cat "$tmp/body")"
  kill "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
  grep -q 'upstream=https://api.swarms.world' "$u/serve.txt" || fail "the unit's murmur-server serve does not proxy the Swarms API: $(cat "$u/serve.txt")"
  ! grep -q sk-dist-check "$u/serve.txt" || fail "the unit's murmur-server serve logged the key"
  written=$(cd "$u" && find . -mindepth 1 ! -name serve.txt ! -path ./etc ! -path ./etc/murmur ! -path ./run ! -path ./run/murmur)
  [[ -z "$written" ]] || fail "the unit's murmur-server serve wrote $written"
  if command -v systemd-analyze >/dev/null; then
    sed "s|^ExecStart=/usr/local/bin/murmur-server|ExecStart=$sbin|" "$unit" >"$tmp/murmur-serve.service"
    systemd-analyze verify "$tmp/murmur-serve.service" >"$tmp/verify.txt" 2>&1 && [[ ! -s "$tmp/verify.txt" ]] ||
      { cat "$tmp/verify.txt" >&2; fail "systemd-analyze verify finds fault with murmur-serve.service"; }
    verified="systemd-analyze verify: no complaints"
  else
    verified="no systemd-analyze here to verify it"
  fi
  passed "murmur-serve.service: its ExecStart serves the Swarms API with the key from the environment and writes nothing; $verified"
done

echo "dist-check: $checks passed, 0 failed"
