# ZoneGraph — two commands for a fresh machine:
#   make serve   set everything up, build the graph, run the service on 127.0.0.1:8000
#   make test    set everything up and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install vendor system-deps serve build test lint typecheck bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

# Browser assets (YASGUI, cytoscape) are committed in service/static/vendor/ so that the
# explorer works offline and from `pip install` without npm. `make vendor` refreshes them from
# npm, pinned by package-lock.json, with MANIFEST.json (versions, hashes) and licences.
ASSETS := service/static
vendor:
	npm ci --prefix $(ASSETS) --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PYTHON) tools/vendor_assets.py
	$(PYTHON) tools/vendor_assets.py --check

# JavaScript clients the tests read exports with (graphology, as Gephi Lite), pinned by lockfile.
TESTJS := tests/js/node_modules/.package-lock.json
$(TESTJS): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --ignore-scripts --no-audit --no-fund --loglevel=error

install: $(STAMP)

# Debian packages the tests need: Chromium for the browser tests, Virtuoso as a remote engine,
# node for the graphology client.
system-deps:
	@pkgs=""; \
	command -v chromium >/dev/null 2>&1 || pkgs="$$pkgs chromium"; \
	command -v virtuoso-t >/dev/null 2>&1 || pkgs="$$pkgs virtuoso-opensource"; \
	command -v java >/dev/null 2>&1 || pkgs="$$pkgs default-jre-headless"; \
	command -v node >/dev/null 2>&1 || pkgs="$$pkgs nodejs"; \
	command -v npm >/dev/null 2>&1 || pkgs="$$pkgs npm"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || pkgs="$$pkgs fonts-noto-cjk"; \
	if [ -n "$$pkgs" ]; then \
		echo "installing Debian packages:$$pkgs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null; \
	fi

build: install
	$(BIN)/zonegraph build

serve: build
	$(BIN)/zonegraph serve --host $(HOST) --port $(PORT)

LINTED := graph service tests examples bench tools

# One pytest process per core (at most 4), a test file to a process so that its module
# fixtures (servers, builds) are made once; `pytest tests/test_X.py` runs one file alone.
test: install system-deps $(TESTJS) lint
	$(BIN)/pytest -q -n auto --maxprocesses=4 --dist loadfile

# Benchmark against Oxigraph server and rdflib-endpoint at 10 k, 100 k and 1 M triples
# (about 15 minutes on 2 cores); writes bench/out/report.{md,json} and a copy to bench/REPORT.md.
bench: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py
	cp bench/out/report.md bench/REPORT.md

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist var
