# lazyns — see README.md
GO       ?= go
PREFIX   ?= /usr/local
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
STATICCHECK_VERSION ?= v0.7.0

.PHONY: all build test lint run install bench soak fuzz clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/lazyns ./cmd/lazyns

# Root-only tests skip when not root, and fail under CI=true.
test: build
	$(GO) test -count=1 -timeout 20m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

run: build
	./bin/lazyns

install: build
	install -D -m 0755 bin/lazyns $(DESTDIR)$(PREFIX)/bin/lazyns

# The scale benchmark against iproute2 (root; minutes): N=1000 for one size.
bench: build
	$(GO) test -run XXX -bench . -benchmem ./model/ ./tui/
	LAZYNS_BENCH=1 BENCH_N=$(N) $(GO) test -count=1 -timeout 60m -run TestScale -v ./cmd/lazyns/ | grep -v '^=== '

# Snapshots under churn for SOAK (default 10m), checking memory stays flat.
SOAK ?= 10m
soak:
	LAZYNS_SOAK=$(SOAK) $(GO) test -count=1 -timeout 0 -run TestSoak -v ./nsops/

# Every fuzz target for FUZZTIME each.
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run XXX -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin dist
