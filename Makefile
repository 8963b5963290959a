# Murmur — build, run and test. Every target installs what it is missing.
#   make run     build and start the desktop app
#   make test    every check CI runs
#   make build   release binary in build/bin/
#   make bench   Go benchmarks and the rendering benchmark in Chromium (bench-go, bench-ui)

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

.PHONY: run build binary test bench bench-go bench-ui deps deps-test deps-browser tools frontend frontend-deps \
	check-format vet go-test frontend-check frontend-test frontend-browser-test wasm bindings-check smoke keyring-test \
	bindings fake-api clean

## ---- set-up -------------------------------------------------------------

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

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

# Regenerate the committed frontend/wailsjs bindings after changing App.
bindings: tools frontend-deps
	@mkdir -p frontend/dist && touch frontend/dist/.keep
	$(WAILS) generate module $(WAILS_TAGS)

## ---- checks -------------------------------------------------------------

test: deps-test tools frontend
	$(MAKE) --no-print-directory check-format vet go-test frontend-check frontend-test frontend-browser-test wasm bindings-check
	$(MAKE) --no-print-directory binary
	$(MAKE) --no-print-directory smoke keyring-test

check-format:
	@bad=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$bad" ]; then echo "gofmt would change:"; echo "$$bad"; exit 1; fi
	@echo "gofmt: ok"

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet .

go-test:
	MURMUR_REQUIRE_CHROMIUM=1 $(GO) test -count=1 ./...

frontend-check: frontend-deps
	cd frontend && npm run check

frontend-test: frontend-deps
	cd frontend && npm test

# The renderer in Chromium: hostile output through the real parser, the
# formatting worker under the app's policy, layout, images loaded only when asked.
frontend-browser-test: frontend-deps
	cd frontend && npm run test:browser

wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath $(WASM_PKGS)
	@echo "wasm: backend/... builds and App type-checks for GOOS=js GOARCH=wasm"

# The committed bindings must match what the CLI generates from App now.
bindings-check: tools
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r frontend/wailsjs "$$tmp/committed"; \
	$(WAILS) generate module $(WAILS_TAGS) >/dev/null; \
	if ! diff -ru "$$tmp/committed" frontend/wailsjs; then \
	  cp -r "$$tmp/committed/." frontend/wailsjs/; \
	  echo "frontend/wailsjs is stale: run 'make bindings' and commit the result"; exit 1; \
	fi
	@echo "bindings: frontend/wailsjs matches App"

smoke: $(BIN)
	scripts/smoke-desktop.sh $(BIN)

keyring-test:
	scripts/keyring-test.sh

bench: bench-go bench-ui

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./backend/...

# Streams replies into the old and the new markdown renderer in Chromium and
# reports main-thread time per token, long tasks and long frames, each case
# against the old renderer in the same run (results in build/artifacts/bench-ui.json).
bench-ui: deps-browser frontend-deps
	cd frontend && npm run bench:ui

# A fake OpenAI-compatible API on loopback, to try Murmur without a key:
#   make fake-api RATE=40 DELAY=5s   (DELAY mimics Swarms' silence before the first token)
RATE ?= 40
DELAY ?= 0s
fake-api:
	$(GO) run ./cmd/murmur-fake-api -rate $(RATE) -first-byte-delay $(DELAY)

clean:
	rm -rf build/bin build/artifacts frontend/dist frontend/browser/dist
