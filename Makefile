# TMF product catalog platform. `make dev` runs it on this machine, `make test` tests it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
DEVSTACK  := $(GO) run ./deploy/devstack/cmd/devstack
# Every module of the workspace, as package patterns (go test cannot use ./... across modules).
MODULES   := $(shell $(GO) list -m -f '{{.Path}}/...' 2>/dev/null)
GOTESTFLAGS ?= -race -timeout 25m
CID       ?=

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: infra-up infra-down
infra-up: ## Start the infrastructure containers (needs Docker; not used on single machines)
	docker compose up -d postgres rabbitmq mongodb elasticsearch zeebe operate zipkin
infra-down: ## Stop the infrastructure containers
	docker compose down

IMAGES := gateway identity characteristic specification pricing offering store-query
.PHONY: images k8s-dev
images: ## Build the container images (needs Docker)
	@for s in $(IMAGES); do docker build -f services/$$s/Dockerfile -t tmfcatalog/$$s . || exit 1; done
	docker build -f engine/Dockerfile -t tmfcatalog/engine .
	docker build -f web/Dockerfile -t tmfcatalog/web .
k8s-dev: ## Apply the Kubernetes dev overlay to the current kubectl context
	kubectl apply -k deploy/k8s/overlays/dev

.PHONY: setup-keys
setup-keys: ## Create the JWT signing key in .keys/ (make dev does it when missing)
	$(DEVSTACK) keys

.PHONY: migrate
migrate: ## Create and migrate every service database
	$(DEVSTACK) migrate

.PHONY: dev dev-bg status stop logs seed-data clean-db
dev: ## Build and run the whole platform in the foreground (Ctrl-C stops everything)
	$(DEVSTACK) up
dev-bg: ## Run the platform in the background (log in logs/devstack.log)
	@mkdir -p logs
	@nohup $(DEVSTACK) up > logs/devstack.log 2>&1 &
	@echo "starting in the background; follow with: tail -f logs/devstack.log; then make status"
status: ## Show the running components and their health
	@$(DEVSTACK) status
stop: ## Stop a platform started with dev-bg
	@$(DEVSTACK) stop
logs: ## Show logs; CID=<correlation id> shows one request across all services
	@if [ -n "$(CID)" ]; then $(DEVSTACK) logs -cid "$(CID)"; else tail -n 50 logs/*.log; fi
seed-data: ## Load the demo catalog through the gateway (make dev must be running)
	$(DEVSTACK) seed
clean-db: ## Empty every store: service databases, read store, search index, queues
	$(DEVSTACK) clean -yes

.PHONY: test test-go test-web test-web-e2e lint bench fuzz
test: test-go test-web test-web-e2e ## Run every test: Go (unit, component, contract, end-to-end) and web (unit, build, browser)

test-go: ## Run the Go tests of every module, with the race detector
	$(GO) test $(GOTESTFLAGS) $(MODULES)

test-web: ## Web app: install, lint, typecheck, component tests, production build
	cd web && npm ci --no-audit --no-fund && npm run lint && npm run typecheck && npm test && NEXT_TELEMETRY_DISABLED=1 npm run build

test-web-e2e: ## Browser tests (Debian chromium) against a private stack on random ports
	$(DEVSTACK) run -web -- npm --prefix web run e2e

lint: ## go vet and staticcheck over every module
	$(GO) vet $(MODULES)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(MODULES)

bench: ## Run the benchmark suite (~7 min; needs nginx: apt-get install nginx) and write docs/benchmarks.md
	$(GO) run ./bench/cmd/bench

fuzz: ## Run every fuzz target for FUZZTIME each (default 15s)
	FUZZTIME=$(or $(FUZZTIME),15s) scripts/fuzz.sh

.PHONY: chaos
chaos: ## Full fault suite under load; writes docs/reliability.md (CHAOSFLAGS passes options)
	$(GO) run ./tests/reliability/cmd/chaos $(CHAOSFLAGS)
