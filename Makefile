# Two entry points for a fresh machine (Python 3.11+ and make):
#   make build   set up .venv and build the warehouse (warehouse/alms.duckdb)
#   make test    set up .venv and run every check (lint + pytest)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: build test setup lint pytest docs dashboard clean

build: setup
	$(BIN)/python scripts/build_warehouse.py

test: setup lint pytest

setup: $(STAMP)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lint: setup
	$(BIN)/sqlfluff lint models tests macros --disable-progress-bar
	$(BIN)/ruff check scripts tests

pytest: setup
	$(BIN)/pytest

docs: setup
	$(BIN)/dbt docs generate --static

clean:
	rm -rf target logs dbt_packages
