# Two entry points, used by the README and by CI:
#   make playground  installs into .venv from uv.lock and starts the playground on
#                    http://127.0.0.1:8000
#   make test        installs into .venv from uv.lock (plus Debian's Chromium, redis-server and
#                    TypeScript) and runs the whole test suite, with the page's JSDoc types
#                    checked by tsc
# and for contributors:
#   make lock        moves uv.lock to the newest versions pyproject.toml allows, then runs the
#                    suite (docs/dependencies.md says when)
#   make test-repeat N=10 HOG=1 ARGS='-k loss'   the flake hunt (docs/testing.md)
#   make types       writes the protocol's JSON Schema (docs/protocol.schema.json) and the page's
#                    TypeScript declarations from it (web/types/protocol.d.ts); a test checks both
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# uv installs exactly what uv.lock pins (hashes checked); --locked stops with an error when the
# lock and pyproject.toml disagree, so a dependency added to one and not the other fails here.
UV     := $(BIN)/uv
SYNC   := $(UV) sync --locked --quiet
CHROMIUM := /usr/bin/chromium
# The rooms' tests start their own redis-server on a free port (tests/redis_server.py).
REDIS    := /usr/bin/redis-server
# TypeScript's checker for web/'s JSDoc: a tsc on the PATH (npm's typescript, say), else Debian's.
TSC := $(shell command -v tsc 2>/dev/null)
ifeq ($(TSC),)
TSC := /usr/bin/tsc
endif
# Debian packages the tests need and this machine lacks: installed by one apt-get run.
MISSING := $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(wildcard $(REDIS)),,redis-server) \
           $(if $(wildcard $(TSC)),,node-typescript)
# The whole pytest run stops after 30 minutes (it takes about 8 on two cores, its two workers
# set in pyproject.toml; about 12 in one process): a hang outside any one test (a test stuck
# past 5 minutes already fails the run, with every thread's stack: tests/conftest.py) fails CI
# in time to say so.
PYTEST_DEADLINE := timeout --kill-after=30 1800
N    ?= 10
HOG  ?= 0
ARGS ?=

.PHONY: playground run test lock typecheck types test-repeat bench screenshot system-packages

# The venv and uv in it, from requirements/uv.txt: uv's pin in uv.lock, with its hashes.
$(UV):
	$(PYTHON) -m venv $(VENV) || { apt-get update && apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/uv.txt

# --inexact: the test tools a `make test` installed stay.
playground: $(UV)
	$(SYNC) --inexact
	$(BIN)/playground

run: playground

system-packages:
	$(if $(strip $(MISSING)),apt-get update && apt-get install -y $(strip $(MISSING)),@true)

typecheck: system-packages
	$(TSC) --noEmit -p jsconfig.json

# After a change to server/protocol/: the published schema, then the page's types from it.
types: $(UV)
	$(SYNC) --inexact
	$(BIN)/python -m server.schema > docs/protocol.schema.json
	$(BIN)/python -m server.schema_ts > web/types/protocol.d.ts

test: $(UV) system-packages
	$(SYNC) --extra test --extra keras
	$(BIN)/ruff check engine server tests bench scripts
	$(BIN)/mypy engine server
	$(TSC) --noEmit -p jsconfig.json
	$(PYTEST_DEADLINE) $(BIN)/python -m pytest

lock: $(UV)
	$(UV) lock --upgrade
	$(UV) export --locked --quiet --only-group dev --no-emit-project --format requirements-txt \
	  --output-file requirements/uv.txt
	$(MAKE) test

test-repeat: $(UV) system-packages
	$(SYNC) --extra test --extra keras
	$(BIN)/python scripts/flake_hunt.py --rounds $(N) $(if $(filter 1,$(HOG)),--hog) -- $(ARGS)

bench: $(UV) system-packages
	$(SYNC) --extra test --extra keras
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/room.py
	$(BIN)/python bench/browser.py

screenshot: $(UV) system-packages
	$(SYNC) --extra test --extra keras
	$(BIN)/python scripts/screenshot.py
