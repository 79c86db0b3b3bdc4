# LLM cost-performance dashboard. `make run` and `make test` set up everything they need on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: help setup browser run test test-fast e2e lint format schema bench clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its dev tools (once; again when pyproject changes)

browser: ## install Debian's Chromium and the emoji font when missing (needs root)
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'noto color emoji'; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "installing chromium and fonts-noto-color-emoji with apt-get…"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji) >/tmp/llm-costs-apt.log 2>&1 \
		  || { echo "apt-get failed: see /tmp/llm-costs-apt.log"; exit 1; }; \
	else echo "Chromium is missing: run 'sudo apt-get install chromium fonts-noto-color-emoji', then make test again"; exit 1; fi

run: setup ## serve the dashboard on http://127.0.0.1:$(PORT) with the bundled registry
	$(VENV)/bin/streamlit run dashboard.py --server.port $(PORT)

test: setup browser ## run every test: unit, app (AppTest) and real-browser (Playwright + Chromium)
	$(PY) -m analytics schema --check
	$(PY) -m analytics workload-schema --check
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: setup ## run the tests that need no browser
	$(PY) -m pytest -q -p no:cacheprovider -m "not e2e"

e2e: setup browser ## run only the real-browser tests
	$(PY) -m pytest -q -p no:cacheprovider -m e2e

lint: setup ## ruff
	$(VENV)/bin/ruff check analytics pages tests bench dashboard.py

format: setup ## ruff format + fix imports
	$(VENV)/bin/ruff check --fix --select I analytics pages tests bench dashboard.py

schema: setup ## regenerate data/schema.json from analytics/schema.py
	$(PY) -m analytics schema

bench: setup browser ## run the benchmarks (prints figures and ratios; writes bench/results.json)
	$(PY) bench/run.py

clean: ## remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
