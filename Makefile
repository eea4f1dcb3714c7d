# The two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Every target here is for a laptop or CI: debug on, so that the settings may fall back to
# the embedded PostgreSQL, the broker folder and console mail (production never runs make).
export DJANGO_DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help run test test-integration lint format migrations messages clean bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-laptop.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-laptop.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-laptop.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed ## Run the whole site (embedded Postgres, worker, beat, demo content) on 127.0.0.1:$PORT
	PORT=$(PORT) $(BIN)/python manage.py run_site

test: $(VENV)/.installed-dev ## Run the whole test suite (real Postgres, worker, broker, SMTP sink, browser)
	$(BIN)/python -m pytest

test-integration: $(VENV)/.installed-dev ## Run only the tests that drive real processes
	$(BIN)/python -m pytest -m "integration or browser"

lint: $(VENV)/.installed-dev ## Format check, lint, security lint (bandit: no medium or high finding) and migration check
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r campaign bench --severity-level medium -x '*/migrations/*'
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: $(VENV)/.installed ## Write migrations for model changes
	$(BIN)/python manage.py makemigrations

messages: $(VENV)/.installed ## Extract translatable strings
	$(BIN)/python manage.py makemessages --all --ignore=.venv --ignore=var

clean: ## Remove the virtualenv and local data (embedded database, broker files)
	rm -rf $(VENV) var

bench: $(VENV)/.installed-dev ## Benchmark the production-like stack, nginx in front (FULL=1: 60 s scenarios; bench/README.md)
	$(BIN)/python -m bench.run $(if $(FULL),--full,)
