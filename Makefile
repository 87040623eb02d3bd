# Leadline: `make demo` runs it, `make test` tests it (what CI runs), `make docs` builds the
# documentation site into site/, `make bench` measures it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432
# xdist workers; the machine has 2 cores.
WORKERS ?= 2
export LEADLINE_HOME ?= $(CURDIR)/.leadline

.PHONY: demo install dev test lint typecheck docs cli-help test-sqlite test-postgres test-browser chromium bench clean

$(BIN)/leadline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(BIN)/leadline
	$(BIN)/pip install --quiet -e '.[dev,docs]'
	touch $@

install: $(BIN)/leadline

dev: $(VENV)/.dev

demo: install
	$(BIN)/leadline demo --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: dev
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs
	$(BIN)/lint-imports

typecheck: dev
	$(BIN)/mypy

# The documentation site: fails when a command's --help embedded in docs/cli.md has drifted
# (`make cli-help` rewrites it), on a broken link or anchor (strict), or when a built page would
# load anything from the internet (docs/hooks.py). The help is rendered at a fixed width.
DOCS_ENV := COLUMNS=80 NO_COLOR=1
docs: dev
	$(DOCS_ENV) $(BIN)/cog --check --diff --check-fail-msg='run make cli-help' -I docs docs/cli.md
	@# Not --quiet: it hides the warnings, and strict mode then passes them.
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

cli-help: dev
	$(DOCS_ENV) $(BIN)/cog -r -I docs docs/cli.md

# Every test but the browser ones, on the embedded default (SQLite).
test-sqlite: dev
	env -u DATABASE_URL $(BIN)/pytest -n $(WORKERS) --dist loadgroup -m "not browser"

# The same suite on PostgreSQL, in a throwaway database created and dropped here: every test
# that touches the database (the others do not depend on it and ran on SQLite already).
test-postgres: dev
	@db=leadline_ci_$$$$; \
	psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $$db" && \
	DATABASE_URL="$(PG_URL)/$$db" LEADLINE_TESTS_DATABASE_ONLY=1 $(BIN)/pytest -n $(WORKERS) --dist loadgroup -m "not browser"; status=$$?; \
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db"; exit $$status

# Real-browser tests in Debian's Chromium (Playwright with executable_path=/usr/bin/chromium).
test-browser: dev chromium
	env -u DATABASE_URL $(BIN)/pytest -n $(WORKERS) --dist loadgroup -m browser

test: lint typecheck docs test-sqlite test-postgres test-browser

# The peer tool (jira-agile-metrics) gets its own venv with the pins that work for it.
benchmarks/.peer-venv/bin/python: benchmarks/peer/requirements.txt
	bash benchmarks/peer/setup.sh

bench: dev benchmarks/.peer-venv/bin/python
	$(BIN)/python benchmarks/run_all.py --postgres $(PG_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .leadline .mypy_cache .ruff_cache site
