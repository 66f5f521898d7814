# The two commands of the README, plus the pieces they are made of. Every target bootstraps the
# pinned toolchain itself (scripts/bootstrap.sh), so a fresh machine needs only Node.js + npm.
SHELL := bash
TOOLS := scripts/with-tools.sh

.PHONY: demo test setup stack-build stack-up stack-down stack-status lint format bench fuzz clean

## demo: run the pipeline end to end with a sample service and a live summary (Ctrl-C stops it)
demo: setup
	@$(TOOLS) node scripts/demo.ts $(DEMO_ARGS)

## test: every test suite, including the end-to-end ones against the real servers
test: setup stack-build
	@$(TOOLS) pnpm run check

setup:
	@$(TOOLS) scripts/setup.sh

stack-build:
	@deploy/local/stack.sh build

stack-up:
	@deploy/local/stack.sh up

stack-down:
	@deploy/local/stack.sh down

stack-status:
	@deploy/local/stack.sh status

lint: setup
	@$(TOOLS) pnpm run lint

## bench: every package's benchmarks, one at a time (figures go into the package READMEs)
bench: setup
	@$(TOOLS) pnpm run bench

## fuzz: the long fuzz run (a million decoder inputs, 100k HTTP requests); figures go into the gateway README
fuzz: setup
	@$(TOOLS) pnpm --filter @org/otel-gateway run fuzz

format: setup
	@$(TOOLS) pnpm exec eslint --fix .

clean:
	@deploy/local/stack.sh down >/dev/null 2>&1 || true
	rm -rf node_modules packages/*/node_modules packages/*/dist examples/node_modules test/node_modules .turbo .run
