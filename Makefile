# Murmur — build, run and test. Every target installs what it is missing.
#   make run     build and start the desktop app
#   make test    every check CI runs
#   make build   release binary in build/bin/
#   make bench   Go benchmarks (the store also in Chromium); in Chromium the rendering, long-list and web-build
#                benchmarks; the page's memory; the desktop app's CPU and memory (bench-go, bench-ui, bench-lists, bench-memory,
#                bench-web, bench-desktop)
#   make dist    installable packages in dist/ (make dist-check checks them)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
.DELETE_ON_ERROR:

WAILS_VERSION := v2.16.0
TOOLS := $(CURDIR)/.tools/bin
WAILS := $(TOOLS)/wails
GO ?= go
UNAME_S := $(shell uname -s)

# Linux: WebKitGTK 4.1 everywhere (Debian 13 and Ubuntu 24.04 ship only 4.1).
ifeq ($(UNAME_S),Linux)
DESKTOP_TAGS := desktop,production,webkit2_41
WAILS_TAGS := -tags webkit2_41
else
DESKTOP_TAGS := desktop,production
WAILS_TAGS :=
endif

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := build/bin/murmur

# Packages the web shell (GOOS=js GOARCH=wasm) is built from: the whole core.
WASM_PKGS := ./backend/...

FRONTEND_STAMP := frontend/node_modules/.murmur-installed

.PHONY: run build binary test bench bench-go bench-ui bench-lists bench-memory bench-web bench-desktop deps deps-test deps-dist deps-browser tools frontend frontend-deps \
	check-format vet cross-check cross-check-darwin go-test frontend-check frontend-test frontend-browser-test ui-test wasm \
	wasm-test wasm-bench bindings-check smoke keyring-test desktop-e2e bench-desktop fake-api-bin bindings fake-api dist dist-server-bins dist-check web web-test \
	serve-web server clean

## ---- set-up -------------------------------------------------------------

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

deps-dist:
	@scripts/install-deps.sh dist

deps-browser:
	@scripts/install-deps.sh browser

tools: $(WAILS)

$(WAILS):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)

frontend-deps: $(FRONTEND_STAMP)

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend: frontend-deps
	cd frontend && npm run build

## ---- build and run ------------------------------------------------------

build: deps frontend
	$(MAKE) --no-print-directory binary

# The release binary from the frontend already built in frontend/dist.
binary:
	$(GO) build -tags $(DESKTOP_TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .
	@ls -l $(BIN)

run: build
	./$(BIN)

## ---- the browser build ----------------------------------------------------

# dist/web: the web app (index.html, assets/) and, under murmur/, the
# <murmur-chat> widget (widget.js, chunks/), with the Go core each loads:
# murmur.wasm (the whole app) and widget.wasm (-tags widget: only what a
# widget calls), and wasm_exec.js from the Go toolchain that built them;
# every file precompressed (.br, .gz) for `murmur serve`.
WEB_DIR := dist/web
# No inlining: the modules grow raw but shrink by an eighth once compressed
# (the widget's from 1.26 to 1.14 MB brotli), at a cost in speed the core's
# work per token does not feel. make bench measures both.
WASM_FLAGS := -gcflags=all=-l
web: frontend-deps
	cd frontend && npm run build && npm run build:widget
	rm -rf $(WEB_DIR) && mkdir -p $(WEB_DIR)/murmur
	cp -r frontend/dist/. $(WEB_DIR)/
	rm -f $(WEB_DIR)/.keep
	cp -r frontend/dist-widget/. $(WEB_DIR)/murmur/
	GOOS=js GOARCH=wasm $(GO) build -trimpath $(WASM_FLAGS) -ldflags "$(LDFLAGS)" -o $(WEB_DIR)/murmur/murmur.wasm .
	GOOS=js GOARCH=wasm $(GO) build -tags widget -trimpath $(WASM_FLAGS) -ldflags "$(LDFLAGS)" -o $(WEB_DIR)/murmur/widget.wasm .
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(WEB_DIR)/murmur/
	node scripts/precompress.mjs $(WEB_DIR)

# The web app on http://127.0.0.1:8080 through `murmur serve`, which also
# proxies the default provider of your settings with its key.
serve-web: web
	MURMUR_WEB=$(CURDIR)/$(WEB_DIR) $(GO) run . serve --listen 127.0.0.1:8080

# build/bin/murmur-server: the command line and `murmur serve` with the web
# files built in, no window: static (CGO_ENABLED=0), no GTK or WebKit.
# dist-server-bins builds it the same way for each Linux architecture.
SERVER_BUILD := $(GO) build -tags server -trimpath -ldflags "$(LDFLAGS)"
server: web
	CGO_ENABLED=0 $(SERVER_BUILD) -o build/bin/murmur-server .
	@ls -l build/bin/murmur-server

# Regenerate the committed frontend/wailsjs bindings after changing App.
bindings: tools frontend-deps
	@mkdir -p frontend/dist && touch frontend/dist/.keep
	$(WAILS) generate module $(WAILS_TAGS)

## ---- checks -------------------------------------------------------------

test: deps-test tools frontend
	$(MAKE) --no-print-directory check-format vet cross-check go-test frontend-check frontend-test frontend-browser-test ui-test wasm wasm-test web-test bindings-check
	$(MAKE) --no-print-directory binary
	$(MAKE) --no-print-directory smoke desktop-e2e keyring-test

check-format:
	@bad=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	@echo "gofmt: ok"

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet . ./internal/browser ./backend/platform ./backend/store ./backend/browserdb ./backend/jspromise ./backend/links
	GOOS=js GOARCH=wasm $(GO) vet -tags widget . ./backend/platform

# Windows-only and macOS-only files must compile: vet every package for
# Windows and macOS, and link every package's tests for Windows (the .exe
# tests cannot run here: Wine lacks what Go 1.26 binaries need). Without the
# desktop tags no package needs cgo, so the darwin vet covers them all.
# -trimpath as in `make dist`, so its Windows build reuses what this compiled.
cross-check:
	GOOS=windows GOARCH=amd64 $(GO) vet -trimpath ./...
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	GOOS=windows GOARCH=amd64 $(GO) test -trimpath -c -o "$$tmp/" ./... >/dev/null; \
	echo "cross-check: $$(ls "$$tmp" | wc -l) test binaries link for windows/amd64"

# macOS shares the unix files Linux checks; vetting it compiles SQLite for
# darwin (almost three minutes cold), so it is not part of make test: CI
# (.ci/run) runs it after make dist-check.
cross-check-darwin:
	GOOS=darwin GOARCH=arm64 $(GO) vet -trimpath ./...

go-test:
	MURMUR_REQUIRE_CHROMIUM=1 $(GO) test -count=1 ./...

frontend-check: frontend-deps
	cd frontend && npm run check

frontend-test: frontend-deps
	cd frontend && npm test

# The web build (dist/web) in Debian's Chromium, against the fake API:
# streaming, stop, edit, reload, export, import, CORS, a full quota, two
# tabs. Screenshots: build/artifacts/web/.
web-test: web
	cd frontend && node --test --test-concurrency=1 e2e-web/

# The UI in Debian's Chromium (playwright-core; no browser is downloaded),
# against the Go stand-in that replays streams recorded from the engine.
# Screenshots: build/artifacts/ui/.
ui-test: frontend
	cd frontend && npm run build:e2e && npm run test:e2e

# The renderer in Chromium: hostile output through the real parser, the
# formatting worker under the app's policy, layout, images loaded only when asked.
frontend-browser-test: frontend-deps
	cd frontend && npm run test:browser

wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath $(WASM_PKGS) ./internal/browser .
	GOOS=js GOARCH=wasm $(GO) build -tags widget -trimpath -o /dev/null .
	@echo "wasm: the web app's and the widget's cores build for GOOS=js GOARCH=wasm"

# The Go tests of the browser storage, compiled for GOOS=js GOARCH=wasm and
# run on pages of Debian's Chromium (scripts/wasm-test.mjs; nothing is
# downloaded): IndexedDB, Web Locks, tabs killed mid-write, a full quota.
# browserdb's run again in a dedicated Worker, where the core may run too.
WASM_EXEC := node $(CURDIR)/scripts/wasm-test.mjs
WASM_TEST_PKGS := ./backend/browserdb/... ./backend/store/
wasm-test: frontend-deps
	GOOS=js GOARCH=wasm $(GO) test -count=1 -p 1 -exec "$(WASM_EXEC)" $(WASM_TEST_PKGS)
	WASM_TEST_WORKER=1 GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(WASM_EXEC)" ./backend/browserdb/

# The store in the browser at 1,000 conversations / 100,000 messages (issue 12's budgets).
wasm-bench: frontend-deps
	GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench . -timeout 30m -exec "$(WASM_EXEC)" ./backend/store/

# The committed bindings must match what the CLI generates from App now.
bindings-check: tools
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r frontend/wailsjs "$$tmp/committed"; \
	$(WAILS) generate module $(WAILS_TAGS) >/dev/null; \
	if ! diff -ru "$$tmp/committed" frontend/wailsjs; then \
	  cp -r "$$tmp/committed/." frontend/wailsjs/; \
	  echo "frontend/wailsjs is stale: run 'make bindings' and commit the result"; exit 1; \
	fi
	@bad=$$(grep -E '^\s+[A-Za-z0-9_]+\??: ' frontend/wailsjs/go/models.ts | grep -E '^\s+([A-Z]|[A-Za-z0-9]*_)' || true); \
	if [ -n "$$bad" ]; then echo "models.ts has members that are not camelCase:"; echo "$$bad"; exit 1; fi
	@echo "bindings: frontend/wailsjs matches App; every member is camelCase"

smoke: $(BIN)
	scripts/smoke-desktop.sh $(BIN)

keyring-test:
	scripts/keyring-test.sh

# The fake API the desktop runs talk to (cmd/murmur-fake-api).
FAKE_API_BIN := build/bin/murmur-fake-api
fake-api-bin:
	$(GO) build -o $(FAKE_API_BIN) ./cmd/murmur-fake-api

# The real binary under Xvfb as a user drives it (xdotool): a prompt typed
# and sent, its streamed reply found in the stored conversation, an image
# attached through the GTK file dialog, Ctrl+Q. Screenshot:
# build/artifacts/desktop-e2e.png.
desktop-e2e: $(BIN) fake-api-bin
	scripts/desktop-e2e.sh $(BIN) $(FAKE_API_BIN)

bench: bench-go bench-ui bench-lists bench-memory bench-web bench-desktop

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./backend/...
	$(MAKE) --no-print-directory wasm-bench

# Streams replies into the old and the new markdown renderer in Chromium and
# reports main-thread time per token, long tasks and long frames, each case
# against the old renderer in the same run (results in build/artifacts/bench-ui.json).
bench-ui: deps-browser frontend-deps
	cd frontend && npm run bench:ui

# The whole app against the Go stand-in in Chromium (issue 11's "smooth at
# any size"): a conversation of 2,000 messages opened from the list against
# one of 20, the first paint of 10,000 conversations against 100, the 10,000
# scrolled by wheel and flung, a search typed over them: paint times, long
# tasks (wall and CPU time), late frames (build/artifacts/bench-lists.json).
bench-lists: deps-browser frontend-deps
	cd frontend && npm run bench:lists

# The page's memory while a long reply streams and after (issue 11): the app
# against the Go stand-in in Chromium, three replies of 3,500 tokens at 100/s,
# each in a new chat: the JS heap (after a forced GC) and DOM nodes idle, at
# the peak and after each, and the renderer processes' PSS
# (build/artifacts/bench-memory.json). BENCH_BASELINE_DIST=dir measures
# another build of the frontend in the same run and prints the ratios.
bench-memory: deps-browser frontend-deps
	cd frontend && npm run bench:memory

# The web build's budgets in Chromium (issues 12 and 13): bytes of a first
# load, time to interactive cold and warm against the same page with the JS
# stand-in instead of the Go core, the widget's loader and wasm sizes and
# click-to-ready. Reports to build/artifacts/bench-web.json; asserts nothing.
bench-web: web deps-browser
	cd frontend && node e2e-web/bench.mjs

# The desktop app's CPU (per process, the web process's main thread apart,
# Xvfb's software painting apart) while it streams 3,500 tokens at 100/s,
# and its memory (PSS) idle and after three streams, from /proc under Xvfb
# (results in build/artifacts/bench-desktop.json).
bench-desktop: deps-test frontend fake-api-bin
	$(MAKE) --no-print-directory binary
	scripts/bench-desktop.sh $(BIN) $(FAKE_API_BIN)

# A fake OpenAI-compatible API on loopback, to try Murmur without a key:
#   make fake-api RATE=40 DELAY=5s   (DELAY mimics Swarms' silence before the first token)
RATE ?= 40
DELAY ?= 0s
fake-api:
	$(GO) run ./cmd/murmur-fake-api -rate $(RATE) -first-byte-delay $(DELAY)

## ---- packages -----------------------------------------------------------
# dist/murmur_<version>_<os>_<arch>.<ext> and SHA256SUMS; scripts/dist.sh
# does the packaging, scripts/dist-check.sh checks every artifact.

ifeq ($(UNAME_S),Darwin)
# On a Mac (Xcode command line tools): Murmur.app, universal, zipped.
dist: deps tools frontend
	rm -rf dist
	VERSION=$(VERSION) WAILS=$(WAILS) scripts/dist.sh darwin
	VERSION=$(VERSION) scripts/dist.sh sums
else
# On Linux: the Linux archive and .deb, the Windows .exe and installer
# (cross-built), each with the web files (dist/web, rebuilt after the rm for
# this VERSION), and the server archives, which have them built in.
dist: deps-dist frontend-deps
	rm -rf dist
	$(MAKE) --no-print-directory web
	$(MAKE) --no-print-directory binary
	$(MAKE) --no-print-directory dist-server-bins
	VERSION=$(VERSION) scripts/dist.sh linux
	VERSION=$(VERSION) scripts/dist.sh windows
	VERSION=$(VERSION) scripts/dist.sh server
	VERSION=$(VERSION) scripts/dist.sh sums
endif

# build/bin/murmur-server-linux-{amd64,arm64}: `make server`'s build for
# each architecture, static, no GTK, the web files of dist/web built in.
SERVER_ARCHS := amd64 arm64
dist-server-bins:
	@[[ -s $(WEB_DIR)/index.html && -s $(WEB_DIR)/murmur/widget.js ]] || \
	  { echo "dist-server-bins: $(WEB_DIR) is missing or incomplete: run make web first"; exit 1; }
	for a in $(SERVER_ARCHS); do \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$a $(SERVER_BUILD) -o build/bin/murmur-server-linux-$$a . || exit 1; \
	done

# Lintian, install and remove the .deb, unpack the archives, check the .exe
# and the installer. Installs the .deb system-wide only as root on CI.
dist-check: dist
	VERSION=$(VERSION) scripts/dist-check.sh

clean:
	rm -rf build/bin build/artifacts frontend/dist dist frontend/browser/dist
