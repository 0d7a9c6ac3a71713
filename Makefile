# lazyns — see README.md
GO       ?= go
PREFIX   ?= /usr/local
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE     ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
STATICCHECK_VERSION ?= v0.7.0

# Install layout (DESTDIR for packaging: make install DESTDIR=pkg PREFIX=/usr).
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share
# Release targets: static binaries, no cgo.
PLATFORMS ?= linux/amd64 linux/arm64

.PHONY: all build test lint run install man completions release bench bench-scale bench-lab bench-capture soak fuzz clean race demo demo-clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/lazyns ./cmd/lazyns

# Root-only tests skip when not root, and fail under CI=true.
test: build
	$(GO) test -count=1 -timeout 40m ./...

# The whole suite under the race detector (slower; CI runs plain `test`).
race:
	$(GO) test -race -count=1 -timeout 30m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

run: build
	./bin/lazyns

# Man pages from the command definitions (the same as --help).
man: build
	rm -rf bin/man
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null)} ./bin/lazyns man bin/man

completions: build
	mkdir -p bin/completions
	./bin/lazyns completion bash > bin/completions/lazyns.bash
	./bin/lazyns completion zsh > bin/completions/_lazyns
	./bin/lazyns completion fish > bin/completions/lazyns.fish

# The binary, its man pages and completions where each shell looks for them.
install: build man completions
	install -D -m 0755 bin/lazyns $(DESTDIR)$(BINDIR)/lazyns
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 bin/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -D -m 0644 bin/completions/lazyns.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/lazyns
	install -D -m 0644 bin/completions/_lazyns $(DESTDIR)$(DATADIR)/zsh/site-functions/_lazyns
	install -D -m 0644 bin/completions/lazyns.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/lazyns.fish

# Static binaries for each of PLATFORMS and their SHA256SUMS in dist/.
release:
	rm -rf dist && mkdir -p dist
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; out=dist/lazyns-$(VERSION)-$$os-$$arch; \
	  echo "build $$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/lazyns || exit 1; \
	done
	cd dist && sha256sum lazyns-* > SHA256SUMS
	cat dist/SHA256SUMS

# The scale benchmark (root; minutes): the Go benchmarks of the model and
# the UI, then every operator-scale target in one run on an openstack lab
# of N namespaces (lab up/down timed at ROUTERS routers, against ip -batch
# building the same), printed as a table. N above 1000 (make bench
# N=10000: an hour or more on 2 cores) also reads 100, 200 and 1000
# namespaces first, for the cost per namespace as the host grows.
# The lab is taken down afterwards, even when the run fails.
N        ?= 1000
ROUTERS  ?= 1000
SIZES    ?= 100,500,1000
# BENCH_DIR holds the bench's labs and namespace names: another bench on
# the same machine takes another.
BENCH_DIR ?= /run/lazyns/bench
BENCH_LABS = $(BENCH_DIR)/labs
bench: build
	$(GO) test -run XXX -bench . -benchmem ./model/ ./tui/
	LAZYNS_BENCH=1 BENCH_DIR=$(BENCH_DIR) BENCH_N=$(N) BENCH_LAB_ROUTERS=$(ROUTERS) $(GO) test -count=1 -timeout 180m -run '^TestScale$$' -v ./cmd/lazyns/e2e/; \
	  rc=$$?; ./bin/lazyns --netns-dir $(BENCH_DIR)/netns lab down openstack --state-dir $(BENCH_LABS) >/dev/null 2>&1; exit $$rc

# The read row at each of SIZES namespaces, with the cost per namespace.
bench-scale: build
	LAZYNS_BENCH=1 BENCH_DIR=$(BENCH_DIR) BENCH_SIZES=$(SIZES) $(GO) test -count=1 -timeout 60m -run '^TestScaleSizes$$' -v ./cmd/lazyns/e2e/; \
	  rc=$$?; ./bin/lazyns --netns-dir $(BENCH_DIR)/netns lab down openstack --state-dir $(BENCH_LABS) >/dev/null 2>&1; exit $$rc

# The lab rows alone: lab up and down at ROUTERS against ip -batch.
bench-lab: build
	LAZYNS_BENCH=1 BENCH_DIR=$(BENCH_DIR) BENCH_LAB_ROUTERS=$(ROUTERS) $(GO) test -count=1 -timeout 60m -run '^TestScaleLab$$' -v ./cmd/lazyns/e2e/; \
	  rc=$$?; ./bin/lazyns --netns-dir $(BENCH_DIR)/netns lab down openstack --state-dir $(BENCH_LABS) >/dev/null 2>&1; exit $$rc

# The capture rows alone: lazyns capture against tcpdump on one veth under
# a UDP flood, and the RSS of a capture pane's ring after a million packets.
bench-capture: build
	LAZYNS_BENCH=1 $(GO) test -count=1 -timeout 20m -run '^TestScaleCapture$$' -v ./cmd/lazyns/e2e/

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

# A first look: build, bring up a lab, open the UI on it; on quitting, offer
# to take the lab down (or later: make demo-clean). Run as root.
DEMO_LAB ?= bridge
demo: build
	@out=$$(./bin/lazyns lab up $(DEMO_LAB) 2>&1); rc=$$?; echo "$$out"; \
	  case "$$out" in *"already up"*) ;; *) [ $$rc -eq 0 ] || exit $$rc;; esac
	./bin/lazyns --filter lz-
	@printf 'Take the %s lab down? [Y/n] ' '$(DEMO_LAB)'; read answer; \
	  case "$$answer" in n*|N*) echo 'Later: make demo-clean';; *) ./bin/lazyns lab down $(DEMO_LAB);; esac

demo-clean: build
	./bin/lazyns lab down $(DEMO_LAB)
