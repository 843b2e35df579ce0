# ZoneGraph — two commands for a fresh machine:
#   make serve   set everything up, build the graph, run the service on 127.0.0.1:8000
#   make test    set everything up and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install system-deps serve build test lint typecheck bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: Chromium for the browser tests, Virtuoso as a remote engine.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v virtuoso-t >/dev/null 2>&1 \
		|| ! command -v java >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium virtuoso-opensource default-jre-headless >/dev/null; \
	fi

build: install
	$(BIN)/zonegraph build

serve: build
	$(BIN)/zonegraph serve --host $(HOST) --port $(PORT)

test: install system-deps
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check graph service tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist var
