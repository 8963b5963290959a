#!/usr/bin/env bash
# Installs the system packages Murmur needs to build and test, and only the
# missing ones. Debian/Ubuntu: apt-get as root or through sudo. macOS and
# Windows: prints what to install, since there is no package manager we may
# drive unasked.
#
# Usage: scripts/install-deps.sh build   # what `make run` / `make build` need
#        scripts/install-deps.sh test    # build + what `make test` needs
#        scripts/install-deps.sh dist    # build + what `make dist` / `make dist-check` need
#        scripts/install-deps.sh browser # only the browser `make bench-ui` drives
set -euo pipefail

want=${1:-build}

build_pkgs=(libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config gcc)
test_pkgs=(xvfb xauth fonts-dejavu-core imagemagick xdotool dbus dbus-x11 gnome-keyring libsecret-tools chromium)
# Packaging: icons (ImageMagick), dependencies (dpkg-shlibdeps), the Windows
# installer (makensis), the checks of the .deb (lintian) and of the installer
# (7z lists NSIS installers), the desktop smoke test of the installed
# package (the test set's X and D-Bus tools), and the checks of what the
# packages' `murmur serve` sends (curl), that the server binary is static
# (file) and of the example systemd unit (systemd-analyze, in systemd).
dist_pkgs=(imagemagick dpkg-dev nsis lintian p7zip-full xvfb xauth fonts-dejavu-core xdotool dbus dbus-x11 curl file systemd)
browser_pkgs=(chromium fonts-dejavu-core)

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "install-deps: $1 is required: $2" >&2; exit 1; }
}

need_cmd go "install Go 1.26 or newer from https://go.dev/dl/"
need_cmd node "install Node.js 20 or newer from https://nodejs.org/"
need_cmd npm "install npm (it comes with Node.js)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
if (( node_major < 20 )); then
  echo "install-deps: Node.js 20 or newer is required, found $(node --version)" >&2
  exit 1
fi

case "$(uname -s)" in
  Darwin)
    xcode-select -p >/dev/null 2>&1 || {
      echo "install-deps: install the Xcode command line tools first: xcode-select --install" >&2
      exit 1
    }
    exit 0
    ;;
  MINGW* | MSYS* | CYGWIN*)
    echo "install-deps: Windows needs the WebView2 runtime (preinstalled on Windows 10/11) and gcc is not required." >&2
    exit 0
    ;;
esac

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: not a Debian/Ubuntu system; install the equivalents of: ${build_pkgs[*]}" >&2
  [[ "$want" == test ]] && echo "install-deps: and for tests: ${test_pkgs[*]}" >&2
  [[ "$want" == dist ]] && echo "install-deps: and for packages: ${dist_pkgs[*]}" >&2
  exit 0
fi

case "$want" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  dist) pkgs=("${build_pkgs[@]}" "${dist_pkgs[@]}") ;;
  browser) pkgs=("${browser_pkgs[@]}") ;;
  *) echo "install-deps: unknown set $want: want build, test, dist or browser" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: missing packages and no root or sudo: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
