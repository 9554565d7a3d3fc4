# The two commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
FLOORS_VENV := .venv-floors
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test check test-floors lint install install-test browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Install (editable) only when the metadata changes: the stamp is newer than setup.cfg and pyproject.toml
# after a successful install, so a second `make run` goes straight to the app.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

install: $(VENV)/.installed

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

# `surveyapp demo` applies the migrations and registers the framework files first (as init-db does),
# so one command start, not two, stands between `make run` and the app.
run: $(VENV)/.installed
	$(BIN)/surveyapp demo
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --no-control-socket --access-logfile - wsgi:app

# Style (ruff, configured in pyproject.toml) and the import contract between the stage packages.
lint: install-test
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache

# Every core: a test file's tests stay together in one worker, so its shared fixtures are built once.
test: install-test browser-deps lint
	$(BIN)/python -m pytest -n auto --dist loadfile

# Unit and page tests that each run in a few seconds: what `make check` and `make test-floors` run.
FAST_TESTS := tests/test_web_stock.py tests/test_domain_form.py tests/test_security_headers.py \
	tests/test_auth_passwords.py tests/test_admin_pages.py tests/test_framework_loader.py tests/test_frameworks_shipped.py \
	tests/test_report_definitions.py tests/test_report_model.py tests/test_report_pdf.py tests/test_charts.py \
	tests/test_aggregation.py tests/test_suppression.py tests/test_ranking.py tests/test_summaries.py \
	tests/test_cache.py tests/test_db_connections.py tests/test_responses_csv.py \
	tests/test_plans_storage.py tests/test_plans_progress.py

# Install the test dependencies again only when the metadata changes, so `make check` stays quick.
$(VENV)/.test-installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

# ruff, the import contract and the fast tests: under a minute.
check: $(VENV)/.test-installed
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache >/dev/null || $(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -p no:cacheprovider $(FAST_TESTS)

# The fast tests on exactly the lower bounds in setup.cfg, in a venv of their own.
test-floors:
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(PYTHON) tools/floor_constraints.py $(FLOORS_VENV)/floors.txt
	# first the app alone, so a dependency that only a test tool brings in cannot hide a missing one
	$(FLOORS_VENV)/bin/pip install --quiet --constraint $(FLOORS_VENV)/floors.txt -e .
	$(FLOORS_VENV)/bin/python -W error -c "from surveyapp import create_app; \
	  page = create_app({'TESTING': True, 'SECRET_KEY': 'floors', 'DATABASE': '$(FLOORS_VENV)/start.sqlite'}).test_client().get('/sign-in'); \
	  assert page.status_code == 200, page.status_code; print('the app starts and shows sign-in')"
	$(FLOORS_VENV)/bin/pip install --quiet --constraint $(FLOORS_VENV)/floors.txt -e '.[test]'
	$(FLOORS_VENV)/bin/python tools/floor_constraints.py --check
	$(FLOORS_VENV)/bin/python -m pytest -q -p no:cacheprovider $(FAST_TESTS)
