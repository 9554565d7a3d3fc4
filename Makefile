# The two commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test lint install install-test browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium for the browser tests and axe-core from the npm registry;
# never a browser download from Playwright.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium poppler-utils >/dev/null; fi; \
	fi
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then \
	  cd tests/browser && npm ci --silent --no-audit --no-fund >/dev/null; \
	fi

run: install
	$(BIN)/surveyapp init-db
	$(BIN)/surveyapp demo
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --no-control-socket --access-logfile - wsgi:app

# Style (ruff, configured in pyproject.toml) and the import contract between the stage packages.
lint: install-test
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache

test: install-test browser-deps lint
	$(BIN)/python -m pytest
