"""What the project's Python tools share: scripts/ (build, pre-check, diff, report, docs), dashboard/ and
benchmarks/ import it, and so do the tests. Installed into .venv as an editable package (requirements.txt: `-e .`).

- `alms_tools.warehouse`: where the warehouse is, opening it read-only with a one-line reason when it cannot be
  read, and comparing the marts of two DuckDB files.
- `alms_tools.toolchain`: the dbt beside this Python, and a commit's files exported with `git archive`.
- `alms_tools.season_views`: a season as a fan reads it, from the marts (the dashboard and the report).
- `alms_tools.season_html`: its tables, results matrices and race pages as HTML, with the one stylesheet (screen,
  phone, print).
- `alms_tools.browser`: the machine's Chromium through Playwright: the dashboard served and captured, layout
  checks, the report printed to PDF.
- `alms_tools.words`: words for people the dashboard, the report and `make diff` share (a cell's name, an ordinal).
- `alms_tools.processes`: a stop signal unwinds a script through its cleanup, and no child dbt outlives it
  (`make build`, `make docs`, `make diff`).

Nothing here knows where the project is: a caller passes its project folder, so a copied project (as the tests
make) reads its own files.
"""
