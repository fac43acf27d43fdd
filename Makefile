# Two entry points, used by the README and by CI:
#   make playground  installs into .venv and starts the playground on http://127.0.0.1:8000
#   make test        installs into .venv (plus Debian's Chromium and redis-server) and runs the
#                    whole test suite
# and for contributors:
#   make test-repeat N=10 HOG=1 ARGS='-k loss'   the flake hunt (docs/testing.md)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
REDIS    := /usr/bin/redis-server
N    ?= 10
HOG  ?= 0
ARGS ?=

.PHONY: playground run test test-repeat bench screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { apt-get update && apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

playground: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/playground

run: playground

$(CHROMIUM):
	apt-get update && apt-get install -y chromium

# The rooms' tests start their own redis-server on a free port (tests/redis_server.py).
$(REDIS):
	apt-get update && apt-get install -y redis-server

test: $(BIN)/python $(CHROMIUM) $(REDIS)
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/ruff check engine server tests bench scripts
	$(BIN)/mypy engine server
	$(BIN)/python -m pytest

test-repeat: $(BIN)/python $(CHROMIUM) $(REDIS)
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python scripts/flake_hunt.py --rounds $(N) $(if $(filter 1,$(HOG)),--hog) -- $(ARGS)

bench: $(BIN)/python $(REDIS)
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/room.py
	$(BIN)/python bench/browser.py

screenshot: $(BIN)/python $(CHROMIUM)
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python scripts/screenshot.py
