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
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test lint typecheck setup compiler java pango chromium clean bench serve

$(STAMP): requirements/lock.txt pyproject.toml setup.py src/bestvalue/ocds/_scan.c | compiler
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(STAMP)

# The native scanner (src/bestvalue/ocds/_scan.c) is compiled when the package is
# installed: it needs a C compiler and Python's headers.
compiler:
	@if ! command -v cc >/dev/null || ! $(PYTHON) -c "import os, sys, sysconfig; \
	    sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"; then \
	  echo "Installing a C compiler and Python's headers for the scanner"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc python3.11-dev; \
	fi

# Spark (the --engine spark warehouse) needs a Java runtime 17 or newer.
java:
	@if ! command -v java >/dev/null; then \
	  echo "Installing a Java runtime for Spark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	fi

# The PDF report (WeasyPrint) needs the Pango text library and a font.
pango:
	@if ! ldconfig -p | grep -q 'libpango-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then \
	  echo "Installing Pango and HarfBuzz for the PDF report"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; \
	fi

# The browser tests drive Debian's Chromium through Playwright (no browser download).
chromium:
	@if ! command -v chromium >/dev/null; then \
	  echo "Installing Chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

demo: setup pango
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(BIN)/bestvalue assess $(SAMPLE) --country PY --lang es --warehouse $(DEMO_DIR)/bestvalue.duckdb \
	  --out $(DEMO_DIR)/assessment-PY-es --attribution "Dirección Nacional de Contrataciones Públicas (DNCP), Paraguay, CC BY 4.0"
	$(BIN)/bestvalue assess --country PY --lang en --warehouse $(DEMO_DIR)/bestvalue.duckdb \
	  --out $(DEMO_DIR)/assessment-PY-en --attribution "Dirección Nacional de Contrataciones Públicas (DNCP), Paraguay, CC BY 4.0"
	@echo ""
	@echo "Open the report: $(DEMO_DIR)/assessment-PY-en/report.html (English) or $(DEMO_DIR)/assessment-PY-es/report.html (español); PDFs beside them."

# The web platform on 127.0.0.1:$(PORT) with a demo agency and the sample loaded (development
# server; see the README for production).
PORT ?= 8000
WEB_DATA ?= demo-output/web
serve: setup pango
	BESTVALUE_WEB_DATA_DIR=$(WEB_DATA) $(BIN)/python -m bestvalue.web demo
	BESTVALUE_WEB_DATA_DIR=$(WEB_DATA) $(BIN)/python -m bestvalue.web runserver 127.0.0.1:$(PORT)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy src/bestvalue

# Test files are shared among WORKERS processes (pytest-xdist), a file's tests in one of them, so
# a module's fixtures (a loaded warehouse, a Spark session) are built once.
WORKERS ?= 2
test: setup java pango chromium lint typecheck
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile
	@# The web platform again, on PostgreSQL (the server these machines run).
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile tests/web -p no:cacheprovider

bench: setup java
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/spend.py
	$(BIN)/python benchmarks/web.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache
