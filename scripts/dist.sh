#!/usr/bin/env bash
# Packages Murmur into dist/: one step per platform. `make dist` runs the steps
# for the machine it is on; run them by hand only to redo one.
#
# Usage: VERSION=$(git describe --tags --always --dirty) scripts/dist.sh STEP
#   linux    dist/murmur_<v>_linux_amd64.tar.gz and .deb from build/bin/murmur,
#            with dist/web in share/murmur/web
#   windows  cross-builds murmur.exe with icon, manifest and version resources;
#            dist/murmur_<v>_windows_amd64.exe and ..._installer.exe (NSIS),
#            which installs dist/web as web\ beside murmur.exe
#   server   dist/murmur-server_<v>_linux_<arch>.tar.gz from
#            build/bin/murmur-server-linux-<arch> (make dist-server-bins)
#   darwin   (on a Mac) dist/murmur_<v>_darwin_universal.zip holding Murmur.app
#   sums     dist/SHA256SUMS over everything in dist/
# <v> is the git describe output without its "v".
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step=${1:?usage: scripts/dist.sh linux|windows|server|darwin|sums}
: "${VERSION:?set VERSION, the git describe output (the Makefile does)}"
GO=${GO:-go}

# Pinned tools, run with `go run` so nothing needs installing.
NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
GO_WINRES=github.com/tc-hib/go-winres@v0.3.3
MAINTAINER=${MAINTAINER:-Murmur authors <murmur@users.noreply.github.com>}

mkdir -p dist .tools/bin
release=$root/.tools/bin/murmur-release
"$GO" build -o "$release" ./cmd/murmur-release

commits=$(git rev-list --count HEAD 2>/dev/null || echo 0)
version_as() { "$release" version -commits "$commits" -format "$1" "$VERSION"; }
file_version=$(version_as file)  # 0.1.0-5-g5c6fa6e: artifact names, ProductVersion strings
numeric=$(version_as numeric)    # 0.1.0: Wails templates, Info.plist
win_version=$(version_as windows) # 0.1.0.5: Windows' numeric file version
deb_version=$(version_as deb)    # 0.1.0+5.g5c6fa6e

# Every file in the packages carries the commit's time, so the same commit
# packs to the same bytes.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

stage=$(mktemp -d)
cleanup() { rm -rf "$stage" "$root/rsrc_windows_amd64.syso"; }
trap cleanup EXIT

say() { echo "dist: $*"; }

# pack DIR NAME: dist/NAME.tar.gz holding DIR's contents under NAME/.
pack() {
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$1" -cf - "$2" | gzip -9n >"dist/$2.tar.gz"
  say "dist/$2.tar.gz"
}

# check_version BIN: the binary must print the version being packaged.
check_version() {
  local got
  got=$("$1" --version) || { echo "dist: $1 --version failed" >&2; exit 1; }
  if [[ "$got" != "murmur $VERSION" ]]; then
    echo "dist: $1 prints '$got', want 'murmur $VERSION': rebuild it (make binary VERSION=$VERSION)" >&2
    exit 1
  fi
}

# Icon sizes the freedesktop hicolor theme knows, generated from the one
# 1024 px source at build time.
ICON_SIZES=(16 22 24 32 48 64 128 256 512)

# stage_web DIR: the web app and the widget (make web's dist/web, every file
# with its .br and .gz) copied to DIR, files 0644 and folders 0755, for
# `murmur serve` to find beside the installed binary.
WEB=dist/web
stage_web() {
  local f
  for f in index.html murmur/widget.js murmur/murmur.wasm murmur/murmur.wasm.br murmur/widget.wasm murmur/wasm_exec.js; do
    [[ -s "$WEB/$f" ]] || { echo "dist: $WEB/$f is missing: run make web first (make dist does)" >&2; exit 1; }
  done
  mkdir -p "$1"
  cp -r "$WEB/." "$1/"
  find "$1" -type d -exec chmod 0755 {} +
  find "$1" -type f -exec chmod 0644 {} +
}

wails_dir() { "$GO" list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2; }

linux() {
  local bin=build/bin/murmur
  [[ -x "$bin" ]] || { echo "dist: $bin is missing: run make binary first" >&2; exit 1; }
  check_version "$bin"
  local name="murmur_${file_version}_linux_amd64"

  # The archive: a prefix tree to copy into ~/.local (or /usr/local) as is.
  local t="$stage/tar/$name"
  install -Dm755 "$bin" "$t/bin/murmur"
  install -Dm644 build/linux/murmur.desktop "$t/share/applications/murmur.desktop"
  install -Dm644 build/linux/world.swarms.murmur.metainfo.xml "$t/share/metainfo/world.swarms.murmur.metainfo.xml"
  install -Dm644 build/linux/murmur.1 "$t/share/man/man1/murmur.1"
  for s in "${ICON_SIZES[@]}"; do
    mkdir -p "$t/share/icons/hicolor/${s}x${s}/apps"
    convert build/appicon.png -resize "${s}x${s}" -strip -define png:exclude-chunks=date,time \
      "$t/share/icons/hicolor/${s}x${s}/apps/murmur.png"
  done
  stage_web "$t/share/murmur/web"
  install -Dm644 README.md "$t/README.md"
  install -Dm644 LICENSE "$t/LICENSE"
  find "$t" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  pack "$stage/tar" "$name"

  # The .deb: the same files under /usr, plus what Debian asks of a package.
  local d="$stage/deb"
  install -Dm755 "$bin" "$d/usr/bin/murmur"
  mkdir -p "$d/usr/share"
  cp -r "$t/share/applications" "$t/share/metainfo" "$t/share/icons" "$t/share/murmur" "$d/usr/share/"
  mkdir -p "$d/usr/share/man/man1" "$d/usr/share/doc/murmur"
  gzip -9n <build/linux/murmur.1 >"$d/usr/share/man/man1/murmur.1.gz"
  {
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: Murmur"
    echo
    echo "Files: *"
    echo "Copyright: 2026 Murmur authors"
    echo "License: Expat"
    sed -n '/^Permission is hereby granted/,$p' LICENSE | sed 's/^$/./; s/^/ /'
  } >"$d/usr/share/doc/murmur/copyright"
  {
    echo "murmur ($deb_version) unstable; urgency=medium"
    echo
    echo "  * Murmur $VERSION."
    echo
    echo " -- $MAINTAINER  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
  } | gzip -9n >"$d/usr/share/doc/murmur/changelog.gz"
  find "$d" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

  # Runtime dependencies as dpkg-shlibdeps reads them from the binary.
  local sh="$stage/shlibs"
  mkdir -p "$sh/debian"
  printf 'Source: murmur\n\nPackage: murmur\nArchitecture: any\n' >"$sh/debian/control"
  local depends
  depends=$(cd "$sh" && dpkg-shlibdeps -O "$d/usr/bin/murmur" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  for want in libgtk-3-0 libwebkit2gtk-4.1-0; do
    # Debian 13 and Ubuntu 24.04 name GTK libgtk-3-0t64: that counts.
    grep -Eq "(^|, )$want(t64)?( |,|$)" <<<"$depends" || {
      echo "dist: dpkg-shlibdeps found no $want in the binary's dependencies: $depends" >&2
      exit 1
    }
  done
  MURMUR_STAGE="$d" MURMUR_DEB_VERSION="$deb_version" MURMUR_DEB_DEPENDS="$depends" \
    MURMUR_MAINTAINER="$MAINTAINER" \
    "$GO" run "$NFPM" package --config build/linux/nfpm.yaml --packager deb \
    --target "dist/${name}.deb" >/dev/null
  say "dist/${name}.deb (version $deb_version; depends $depends)"
}

# nsis_path ./a/b: "\a\b", a path under $INSTDIR\web as NSIS writes it ("."
# is ""; "$" is NSIS's escape character).
nsis_path() { local p=${1#.}; p=${p//\$/\$\$}; printf '%s' "${p//\//\\}"; }

# web_nsh DIR: the NSIS macros that install DIR's files under $INSTDIR\web
# (murmur.webFiles) and delete exactly those again, then their folders when
# empty (murmur.deleteWebFiles).
web_nsh() {
  local dir=$1 f d
  echo '!macro murmur.webFiles'
  while read -r d; do
    printf '    SetOutPath "$INSTDIR\\web%s"\n' "$(nsis_path "$d")"
    while read -r f; do
      printf '    File "%s"\n' "${f//\$/\$\$}"
    done < <(find "$dir/$d" -mindepth 1 -maxdepth 1 -type f | sort)
  done < <(cd "$dir" && find . -type d | sort)
  echo '!macroend'
  echo '!macro murmur.deleteWebFiles'
  while read -r f; do
    printf '    Delete "$INSTDIR\\web%s"\n' "$(nsis_path "$f")"
  done < <(cd "$dir" && find . -type f | sort)
  while read -r d; do
    printf '    RMDir "$INSTDIR\\web%s"\n' "$(nsis_path "$d")"
  done < <(cd "$dir" && find . -type d | sort -r)
  echo '!macroend'
}

windows() {
  local w="$stage/windows"
  mkdir -p "$w"
  # The resources `wails build` would embed, rendered from the same
  # templates, with this build's version.
  "$release" render -version "$numeric" -o "$w/info.json" build/windows/info.json
  "$release" render -version "$numeric" -o "$w/wails.exe.manifest" build/windows/wails.exe.manifest
  cp build/windows/icon.ico "$w/icon.ico"
  {
    echo '{'
    echo '  "RT_GROUP_ICON": {"APP": {"0000": "icon.ico"}},'
    echo '  "RT_MANIFEST": {"#1": {"0409": "wails.exe.manifest"}},'
    echo '  "RT_VERSION": {"#1": {"0000":'
    cat "$w/info.json"
    echo '  }}'
    echo '}'
  } >"$w/winres.json"
  "$GO" run "$GO_WINRES" make --in "$w/winres.json" --arch amd64 --out "$root/rsrc" \
    --file-version "$win_version" --product-version "$file_version"

  local exe=build/bin/murmur.exe
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 "$GO" build -tags desktop,production -trimpath \
    -ldflags "-s -w -H windowsgui -X main.version=$VERSION" -o "$exe" .
  rm -f "$root/rsrc_windows_amd64.syso"
  local name="murmur_${file_version}_windows_amd64"
  cp "$exe" "dist/$name.exe"
  touch -d "@$SOURCE_DATE_EPOCH" "dist/$name.exe"
  say "dist/$name.exe"

  # The installer, from Wails' template and its WebView2 bootstrapper, as
  # `wails build -nsis` lays them out.
  local n="$stage/nsis" wails
  wails=$(wails_dir)
  mkdir -p "$n/installer/tmp"
  cp build/windows/icon.ico "$n/icon.ico"
  cp build/windows/installer/project.nsi "$n/installer/"
  "$release" render -version "$numeric" -o "$n/installer/wails_tools.nsh" \
    "$wails/pkg/buildassets/build/windows/installer/wails_tools.nsh"
  cp "$wails/internal/webview2runtime/MicrosoftEdgeWebview2Setup.exe" "$n/installer/tmp/"
  # The web files, installed as web\ beside murmur.exe (where murmur serve
  # looks): one File line each, and the uninstaller deletes exactly those.
  stage_web "$n/web"
  web_nsh "$n/web" >"$n/installer/web_files.nsh"
  # NSIS stores each file's time: the commit's, so the installer is reproducible.
  find "$n/web" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  touch -d "@$SOURCE_DATE_EPOCH" "$exe" "$n/installer/tmp/MicrosoftEdgeWebview2Setup.exe"
  # -WX: a warning fails the build.
  makensis -WX -V2 -INPUTCHARSET UTF8 \
    "-DARG_WAILS_AMD64_BINARY=$root/$exe" \
    "-DOUTFILE=$root/dist/${name}_installer.exe" \
    "-DARG_FILE_VERSION=$win_version" \
    "-DARG_PRODUCT_VERSION=$file_version" \
    "-DARG_WEB_FILES=$n/installer/web_files.nsh" \
    "$n/installer/project.nsi"
  say "dist/${name}_installer.exe"
}

server() {
  for arch in amd64 arm64; do
    local bin="build/bin/murmur-server-linux-$arch"
    [[ -x "$bin" ]] || { echo "dist: $bin is missing: make dist-server-bins builds it" >&2; exit 1; }
    if [[ $arch == amd64 && $(uname -m) == x86_64 ]]; then check_version "$bin"; fi
    local name="murmur-server_${file_version}_linux_${arch}"
    local t="$stage/server/$name"
    install -Dm755 "$bin" "$t/murmur-server"
    install -Dm644 build/linux/murmur-serve.service "$t/murmur-serve.service"
    install -Dm644 docs/serve.md "$t/serve.md"
    install -Dm644 README.md "$t/README.md"
    install -Dm644 LICENSE "$t/LICENSE"
    find "$t" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    pack "$stage/server" "$name"
  done
}

darwin() {
  # Run on a Mac with Xcode's command line tools: Wails builds both
  # architectures with cgo and joins them with lipo.
  local wails=${WAILS:-$root/.tools/bin/wails}
  "$wails" build -platform darwin/universal -s -skipbindings -m -nosyncgomod -trimpath \
    -ldflags "-X main.version=$VERSION"
  local app=build/bin/Murmur.app
  local plist="$app/Contents/Info.plist"
  plutil -replace CFBundleShortVersionString -string "$numeric" "$plist"
  plutil -replace CFBundleVersion -string "$numeric" "$plist"
  plutil -replace CFBundleGetInfoString -string "Murmur $file_version" "$plist"
  # Ad-hoc signature: Apple silicon runs nothing unsigned. Not notarised.
  codesign --force --deep --sign - "$app"
  check_version "$app/Contents/MacOS/murmur"
  local name="murmur_${file_version}_darwin_universal"
  ditto -c -k --keepParent "$app" "dist/$name.zip"
  say "dist/$name.zip"
}

sums() {
  local files=() f
  cd dist
  for f in *; do # the glob sorts (LC_ALL=C below)
    [[ -f "$f" && "$f" != SHA256SUMS ]] && files+=("$f")
  done
  (( ${#files[@]} > 0 )) || { echo "dist: nothing in dist/ to sum" >&2; exit 1; }
  if command -v sha256sum >/dev/null; then
    sha256sum "${files[@]}" >SHA256SUMS
  else
    shasum -a 256 "${files[@]}" >SHA256SUMS # macOS
  fi
  cd "$root"
  say "dist/SHA256SUMS over ${#files[@]} files"
}

case "$step" in
  linux | windows | server | darwin | sums) "$step" ;;
  *) echo "dist: unknown step $step: want linux, windows, server, darwin or sums" >&2; exit 2 ;;
esac
