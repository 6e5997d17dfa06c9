# One-command set-up on a fresh machine: `make demo` and `make test`.
# Everything the tests need (venv, database servers, npm packages, Chromium) is installed or
# started here, so CI (`.ci/run`) needs nothing else.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
NODE_DIR := tests/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed-$(shell cat $(NODE_DIR)/package-lock.json 2>/dev/null | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=
DEMO_ARGS ?=

.PHONY: venv demo test lint typecheck unit services node-deps browser screenshots bench bench-large chaos clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# `make demo DEMO_ARGS="--headless --exit-after 30"` for scripts (see `openchoreo-catalog demo --help`)
demo: venv
	$(VENV)/bin/openchoreo-catalog demo $(DEMO_ARGS)

lint: venv
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench

typecheck: venv
	$(PY) -m mypy

services:
	@scripts/ensure-services

node-deps: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_DIR)/package.json
	@if [ -f $(NODE_DIR)/package-lock.json ]; then \
	  npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error; \
	else \
	  npm install --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error; \
	fi
	mkdir -p $(NODE_DIR)/node_modules
	rm -f $(NODE_DIR)/node_modules/.installed-*
	touch $(NODE_DIR)/node_modules/.installed-$$(cat $(NODE_DIR)/package-lock.json 2>/dev/null | cksum | cut -d' ' -f1)

browser:
	@scripts/ensure-chromium

# Refresh docs/screenshots/*.png from the browser tests (a laptop-sized viewport).
screenshots: venv browser
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/ui -m browser -q

unit: venv
	$(PY) -m pytest $(PYTEST_ARGS)

test: venv services node-deps browser lint typecheck
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv services
	$(PY) bench/run.py

bench-large: venv services
	$(PY) bench/run.py --large

chaos: venv services
	$(PY) bench/chaos.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(NODE_DIR)/node_modules
