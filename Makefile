# bestvalue: every setup step lives here, so a fresh Debian machine (Python 3.11, Java 17)
# needs nothing but `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
SAMPLE := src/bestvalue/data/sample/paraguay-dncp
DEMO_DIR := demo-output

.PHONY: demo test lint typecheck setup java clean bench

$(STAMP): requirements/lock.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(STAMP)

# Spark (the --engine spark warehouse) needs a Java runtime 17 or newer.
java:
	@if ! command -v java >/dev/null; then \
	  echo "Installing a Java runtime for Spark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	fi

demo: setup
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(BIN)/bestvalue ingest $(SAMPLE) --country PY --skip-bad --warehouse $(DEMO_DIR)/bestvalue.duckdb
	$(BIN)/bestvalue tables --warehouse $(DEMO_DIR)/bestvalue.duckdb
	$(BIN)/bestvalue spend --warehouse $(DEMO_DIR)/bestvalue.duckdb --top 10
	$(BIN)/bestvalue spend --warehouse $(DEMO_DIR)/bestvalue.duckdb --by category --level family \
	  --format xlsx --output $(DEMO_DIR)/spend.xlsx
	@echo "Demo warehouse: $(DEMO_DIR)/bestvalue.duckdb (try: $(BIN)/bestvalue sql --warehouse $(DEMO_DIR)/bestvalue.duckdb 'SELECT * FROM awards')"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy src/bestvalue

test: setup java lint typecheck
	$(BIN)/python -m pytest -q

bench: setup java
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/spend.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache
