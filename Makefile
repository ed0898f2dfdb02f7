# Tierlight: `make run` serves a demo, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test lint bench install install-dev clean migrate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Tierlight on http://127.0.0.1:$(PORT) with a job worker (Ctrl-C stops both)"
	@$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	@if [ -x "$${TIERLIGHT_CHROMIUM:-/usr/bin/chromium}" ]; then \
	  echo "== browser tests: running them in $${TIERLIGHT_CHROMIUM:-/usr/bin/chromium}"; \
	else \
	  echo "== browser tests SKIPPED: $${TIERLIGHT_CHROMIUM:-/usr/bin/chromium} not found (apt-get install chromium)"; \
	fi
	$(BIN)/pytest

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache
