# The two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Every target here is for a laptop or CI: debug on, so that the settings may fall back to
# the embedded PostgreSQL, the broker folder and console mail (production never runs make).
export DJANGO_DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help run test test-integration lint format migrations messages clean bench lock

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Laptops and CI install one lock, with every file checked against its hash.
$(VENV)/.installed: requirements-dev.lock $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# axe-core for the accessibility tests, from its lock. Without npm the rest of the suite
# still runs and tests/browser/test_axe.py fails saying what is missing.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing: the axe tests will fail (Debian: apt-get install npm)"; fi

run: $(VENV)/.installed ## Run the whole site (embedded Postgres, worker, beat, demo content) on 127.0.0.1:$PORT
	PORT=$(PORT) $(BIN)/python manage.py run_site

test: $(VENV)/.installed $(AXE) ## Run the whole test suite (real Postgres, worker, broker, SMTP sink, browser)
	$(BIN)/python -m pytest

test-integration: $(VENV)/.installed $(AXE) ## Run only the tests that drive real processes
	$(BIN)/python -m pytest -m "integration or browser"

lint: $(VENV)/.installed ## Format check, lint, security lint (bandit: no medium or high finding) and migration check
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r campaign bench --severity-level medium -x '*/migrations/*'
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: $(VENV)/.installed ## Write migrations for model changes
	$(BIN)/python manage.py makemigrations

messages: $(VENV)/.installed ## Extract translatable strings into the catalogues, then compile them
	$(BIN)/python manage.py makemessages --all --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=node_modules
	$(BIN)/python manage.py compilemessages --ignore=.venv

# The locks: production (psycopg2 built from source) first, then laptops and CI held to
# the same versions of everything they share. pip-compile keeps every pin it can, so
# after a requirements*.txt change only what changed moves; UPGRADE=1 refreshes all.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(if $(UPGRADE),--upgrade,)
DEV_SOURCES = requirements-dev.txt $(wildcard requirements-laptop.txt)

lock: $(VENV)/.installed ## Re-lock requirements.lock and requirements-dev.lock after a requirements*.txt change (UPGRADE=1: all)
	$(PIP_COMPILE) --output-file=requirements.lock requirements-production.txt
	$(PIP_COMPILE) --constraint=requirements.lock --output-file=requirements-dev.lock $(DEV_SOURCES)

clean: ## Remove the virtualenv, axe-core and local data (embedded database, broker files)
	rm -rf $(VENV) var tests/browser/node_modules

bench: $(VENV)/.installed ## Benchmark the production-like stack, nginx in front (FULL=1: 60 s scenarios; bench/README.md)
	$(BIN)/python -m bench.run $(if $(FULL),--full,)
