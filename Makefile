# Alignscope — the two commands are `make run` and `make test`.
# Both install what is missing first (Debian/Ubuntu packages via apt-get).

SHELL := /bin/bash
GO ?= go
BIN := bin/alignscope
export LANG := en_US.UTF-8

# System libraries: a C compiler for cgo, OpenGL/X11 headers for Fyne,
# OpenBLAS for gonum's fast linear algebra.
DEPS := ca-certificates gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev \
        libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libopenblas-dev
# Tests also start a virtual display for the GUI smoke test and capture it.
TEST_DEPS := xvfb imagemagick

.PHONY: run test build deps test-deps vet bench generate fuzz clean

run: build
	./$(BIN) --demo

build: deps
	@echo "Building (the first build compiles the OpenGL bindings: a few minutes)…"
	$(GO) build -o $(BIN) ./app

deps:
	@scripts/deps.sh $(DEPS)

test-deps:
	@scripts/deps.sh $(DEPS) $(TEST_DEPS)

vet: deps
	$(GO) vet ./...

test: test-deps
	$(GO) vet ./...
	$(GO) vet -tags purego ./core/...
	ALIGNSCOPE_SMOKE=1 scripts/with-xvfb.sh $(GO) test -count=1 -timeout 30m ./...
	$(GO) test -count=1 -tags purego ./core/blas

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./core/... ./io/...

generate:
	$(GO) generate ./assets

fuzz: deps
	$(GO) test -run '^$$' -fuzz FuzzOpenNPY -fuzztime 30s ./io/npy
	$(GO) test -run '^$$' -fuzz FuzzOpenNPZ -fuzztime 30s ./io/npy
	$(GO) test -run '^$$' -fuzz FuzzReadStimuli -fuzztime 30s ./io/table

clean:
	rm -rf bin artifacts
