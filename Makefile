# Comptoir: two commands do all the set-up on a fresh machine.
#   make run   — virtualenv, install, migrate, demo data, then serve on http://127.0.0.1:$(PORT)
#   make test  — dev dependencies, then the whole suite on SQLite and on PostgreSQL
SHELL := /bin/bash
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test venv dev lint messages bench clean

$(VENV)/.installed: pyproject.toml
	@bash scripts/make-venv.sh $(VENV)
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

dev: $(VENV)/.dev-installed

run: $(VENV)/.installed
	PORT=$(PORT) $(VENV)/bin/comptoir run --port $(PORT)

test: $(VENV)/.dev-installed
	@bash scripts/run-tests.sh

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --config-file mypy-services.ini

messages: $(VENV)/.dev-installed
	cd src/comptoir && ../../$(VENV)/bin/django-admin makemessages -l fr --no-obsolete && ../../$(VENV)/bin/django-admin compilemessages

clean:
	rm -rf $(VENV) var/test-*
