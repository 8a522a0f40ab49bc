# Two entry points for a fresh machine (Python 3.11+ and make):
#   make build   set up .venv and build the warehouse (warehouse/alms.duckdb)
#   make test    set up .venv and run every check (lint + pytest)
#   make test-fast  lint + the tests that need no dbt build (the edit-run loop)
#   make test-spark the second tier: the project built on Apache Spark (CI runs it after make test)
# More: make dashboard, make docs, make benchmark, make spark.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DUCKDB1_STAMP := .venv-duckdb1/.installed
SPARK_STAMP := .venv-spark/.installed
export DBT_PROFILES_DIR := $(CURDIR)
PYTHON_PATHS := scripts tests dashboard benchmarks

.PHONY: build test test-fast pytest-fast test-spark setup setup-spark lint pytest docs dashboard report screenshots benchmark spark \
	clean diff

# One line, before anything runs, when .venv exists but cannot run the build (e.g. the Python it was made from
# is gone): rebuilding it is the user's call. BUILD_ARGS: e.g. --no-wait, --wait-seconds 60, or dbt build options.
VENV_CHECK = $(BIN)/python -c 'import dbt.version, duckdb, filelock, yaml' >/dev/null 2>&1 && test -x $(BIN)/dbt
require_venv = $(if $(shell $(VENV_CHECK) && echo ok),,$(error .venv is broken ($(BIN)/python cannot run the \
	build: missing interpreter or packages); nothing was built. Recreate it: rm -rf .venv && make build))

build: setup
	$(require_venv)
	$(BIN)/python scripts/build_warehouse.py $(BUILD_ARGS)

# The two environments are independent: on a fresh clone they are created side by side (-j2). Then lint and pytest
# run side by side too (the machine's two cores stay busy while pytest waits on a build), each one's output printed
# whole once it ends (--output-sync). The Spark build is a tier of its own (make test-spark, below): its environment
# and its JVM alone take longer than the rest of the suite.
test:
	@$(MAKE) --no-print-directory -j2 $(STAMP) $(DUCKDB1_STAMP)
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint pytest

# The second tier, which CI runs after make test: the project on Apache Spark (Java 17; skipped with a reason
# without it), its standings compared with DuckDB's (tests/python/test_spark.py).
test-spark: setup setup-spark
	$(BIN)/pytest -m spark

# What a change does to the marts and standings, as Markdown for a pull request (docs/reviewing.md): builds BASE
# (default: the merge base with main) and the working tree into private files. OUTPUT=FILE also writes it there.
# On a pull request, .github/workflows/make-diff.yml runs it and posts the report (scripts/post_diff_comment.py).
diff: setup
	$(require_venv)
	@$(BIN)/python scripts/diff_warehouses.py $(if $(BASE),--base $(BASE)) $(if $(OUTPUT),--output $(OUTPUT)) \
		$(DIFF_ARGS)

setup: $(STAMP) $(DUCKDB1_STAMP)

# Each environment installs its pinned requirements with uv, which pip first installs into it from PyPI: the same
# versions pip resolves, in a third of the time on a fresh machine (docs/testing.md). uv reads no pip.conf: behind a
# package mirror, point UV_DEFAULT_INDEX at it. --compile-bytecode writes the .pyc files at install, as pip does: uv
# skips them by default, and where Python may not write them (PYTHONDONTWRITEBYTECODE) every dbt command would
# compile dbt from source again (`import dbt.cli.main`: 4.3 s without them, 2.1 s with).
UV := uv==0.13.8

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(UV)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt
	touch $(STAMP)

# A separate DuckDB 1.x client, to prove BI tools that bundle 1.x can read the warehouse.
$(DUCKDB1_STAMP): requirements-duckdb1.txt
	$(PYTHON) -m venv .venv-duckdb1
	.venv-duckdb1/bin/python -m pip install --quiet $(UV)
	.venv-duckdb1/bin/uv pip install --quiet --compile-bytecode --python .venv-duckdb1/bin/python -r requirements-duckdb1.txt
	touch $(DUCKDB1_STAMP)

# The Spark target's own environment (dbt-spark + PySpark; Java 17 from the machine). `make test` uses it to
# build the project on Spark once and compare the standings with DuckDB's.
setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): requirements-spark.txt
	$(PYTHON) -m venv .venv-spark
	.venv-spark/bin/python -m pip install --quiet $(UV)
	.venv-spark/bin/uv pip install --quiet --compile-bytecode --python .venv-spark/bin/python -r requirements-spark.txt
	touch $(SPARK_STAMP)

# The same checks run in pre-commit (.pre-commit-config.yaml) and in CI (make test). zizmor checks the GitHub Actions
# workflow offline (it cannot run here): schema, pinned actions, token permissions, no expression in a shell.
lint: setup
	$(BIN)/sqlfluff lint models tests/singular --disable-progress-bar --processes 2
	$(BIN)/ruff check $(PYTHON_PATHS)
	$(BIN)/ruff format --check $(PYTHON_PATHS)
	$(BIN)/dbt-score lint --run-dbt-parse
	$(BIN)/zizmor --offline --strict-collection --quiet .github/workflows .pre-commit-config.yaml

pytest: setup
	$(BIN)/pytest -m "not spark"

# The edit-run loop (under a minute warm): lint and, beside it, the tests that run no dbt (pytest -m "not slow").
test-fast: setup
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint pytest-fast

pytest-fast: setup
	$(BIN)/pytest -m "not slow and not spark"

# From a private copy of the published warehouse (scripts/generate_docs.py): never creates, writes or locks it.
docs: setup
	@$(BIN)/python scripts/generate_docs.py
	@echo "Open target/static_index.html in a browser (works offline)."

dashboard: setup
	$(BIN)/streamlit run dashboard/app.py --browser.gatherUsageStats false

# The season as a document: one self-contained HTML file (inline SVG charts, no script, opens offline) and its PDF,
# printed offline by the machine's Chromium through Playwright: reports/season_<year>.html and .pdf.
# REPORT_ARGS: e.g. --season 2002 --output /tmp/alms-2002.html --paper Letter, or --no-pdf
report: setup
	$(BIN)/python scripts/season_report.py $(REPORT_ARGS)

# The README's pictures of the season page (docs/images/*.png, a few tens of KB each): the dashboard started on a
# free local port over warehouse/alms.duckdb, captured by Playwright driving the machine's Chromium.
screenshots: setup
	$(BIN)/python dashboard/screenshot.py --docs --out docs/images $(SCREENSHOT_ARGS)

# Not part of the tests (about 20 minutes): writes docs/benchmarks.md. BENCHMARK_ARGS: options of
# benchmarks/benchmark.py, e.g. --compare-ref <git ref> (pair the warm build and compare every mart with that ref's).
BENCHMARK_ARGS ?= --compare-ref main
benchmark: setup
	$(BIN)/python benchmarks/benchmark.py $(BENCHMARK_ARGS)

# Spark SQL cannot NFC-normalise text keys (macros/normalized_text.sql): the seed pre-check refuses them first.
spark: setup-spark
	@command -v java >/dev/null 2>&1 || { echo "make spark needs Java 17 (e.g. apt-get install openjdk-17-jre-headless); nothing was built."; exit 2; }
	.venv-spark/bin/python scripts/check_seeds.py
	.venv-spark/bin/dbt build --target spark

clean:
	rm -rf target logs dbt_packages
