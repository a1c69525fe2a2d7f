# attune: two commands. `make run` serves attune; `make test` runs every check CI runs.
PYTHON ?= python3.11
VENV := .venv
CORE_VENV := .venv-core
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck test-py test-pg test-core test-js bench services browser proxy clean translations

$(BIN)/.web: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e ".[web]"
	touch $@

$(BIN)/.dev: $(BIN)/.web
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(CORE_VENV)/bin/.core: pyproject.toml
	test -x $(CORE_VENV)/bin/python || $(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/python -m pip install --quiet --upgrade pip==25.3
	$(CORE_VENV)/bin/python -m pip install --quiet -e ".[importers]" pytest==9.2.0 PyYAML==6.0.4 hypothesis==6.170.27
	touch $@

## Serve attune on SQLite at http://$(HOST):$(PORT) with the built-in content.
run: $(BIN)/.web
	$(BIN)/attune serve --host $(HOST) --port $(PORT)

## Everything CI runs: lint, types, the architecture contract, JS, Python (SQLite, PostgreSQL), core-only.
test: $(BIN)/.dev services browser proxy lint typecheck test-js test-py test-pg test-core

services:
	bash scripts/ensure-services.sh

browser:
	bash scripts/ensure-chromium.sh

## Debian's nginx, for the test that runs the deployment recipe of docs/deploy.md.
proxy:
	bash scripts/ensure-nginx.sh

lint: $(BIN)/.dev
	$(BIN)/ruff check attune tests bench scripts
	$(BIN)/lint-imports

typecheck: $(BIN)/.dev
	$(BIN)/mypy attune/core attune/importers attune/content attune/web attune/cli.py

test-js:
	node --test tests/js/
	node scripts/js-size.mjs
	bash scripts/vendor.sh --check

## The browser tests run on their own: Playwright's sync API keeps an event loop running in its
## worker for the whole session, and Django refuses database calls in a process that has one.
test-py: $(BIN)/.dev
	$(BIN)/python -m pytest -q -n 2 --ignore=tests/e2e
	$(BIN)/python -m pytest -q -n 2 tests/e2e

## The database tests again, against the local PostgreSQL server and Redis.
test-pg: $(BIN)/.dev
	ATTUNE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ATTUNE_REDIS_URL=redis://127.0.0.1:6379/0 \
		$(BIN)/python -m pytest -q -n 2 tests/web

## attune.core's tests in an environment with no Django and no web stack.
test-core: $(CORE_VENV)/bin/.core
	$(CORE_VENV)/bin/python -c "import importlib.util as u, sys; sys.exit(u.find_spec('django') is not None)"
	$(CORE_VENV)/bin/python -m pytest -q -p no:cacheprovider -W ignore::pytest.PytestConfigWarning \
		tests/core tests/importers tests/content tests/test_hrv_cli.py

## Every benchmark, each figure beside its reference and goal; all run, then exit 1 if any goal missed.
bench: $(BIN)/.dev
	@failed=""; for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || failed="$$failed $$f"; done; \
	if [ -n "$$failed" ]; then echo "goals missed in:$$failed"; exit 1; fi; echo "every benchmark met its goals"

## Gather the interface's strings (the web layer's, and what attune.content and attune.importers say
## through attune.words) into attune/web/locale/*/django.po, then compile them (GNU gettext).
translations: $(BIN)/.dev
	cd attune && ../$(BIN)/attune manage makemessages -l de --no-obsolete --no-location --ignore "web/static/*" --ignore "core/*"
	cd attune/web && ../../$(BIN)/attune manage compilemessages

clean:
	rm -rf $(VENV) $(CORE_VENV) var .pytest_cache .mypy_cache .ruff_cache
