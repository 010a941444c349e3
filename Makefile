# The playbook's tasks. `make serve` and `make test` are the two Quick start commands.
# Everything installs into a local virtual environment (.venv); nothing is installed globally
# except, when run as root on Debian/Ubuntu, the Chromium browser the browser tests drive.

VENV    ?= .venv
BIN     := $(VENV)/bin
PYTHON  ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
             command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
             && { echo $$p; break; }; done)
STAMP   := $(VENV)/.installed
# What `make serve` needs: the playbook and its site engine, without the test and dev tools.
SERVE_STAMP := $(VENV)/.installed-serve
# Where `make serve` listens: `make serve ADDR=0.0.0.0:8080`.
ADDR    ?= 127.0.0.1:8000
# Python code that lint checks (the workflows are checked by actionlint and zizmor).
CODE    := macros playbook tests benchmarks

.PHONY: setup serve test test-fast golden site validate lint render pdf clean browser constraints inventory-demo

setup: $(STAMP)

# Every package at the version in constraints.txt, so two machines install the same set.
$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is required (python3.11 not found)"; exit 2; }
	@echo "Creating $(VENV) and installing the playbook with its test and dev tools (2-3 minutes the first time)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dev]'
	@touch $@ $(SERVE_STAMP)
	@echo "Done: $(VENV) is ready."

# Only what serving needs (about a minute the first time); `make setup` adds the rest.
$(SERVE_STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is required (python3.11 not found)"; exit 2; }
	@echo "Creating $(VENV) and installing the playbook and its site engine (about a minute the first time)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@
	@echo "Done: $(VENV) is ready to serve."

## Regenerate constraints.txt from a fresh venv with the newest releases pyproject.toml allows.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip --isolated install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip --isolated install --quiet -e '.[test,dev]'
	{ echo "# pip freeze of a fresh venv with '.[test,dev]': make constraints regenerates it."; \
	  .venv-constraints/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-constraints

## Serve the playbook at http://$(ADDR) with live reload (first page in about 30 s).
serve: $(SERVE_STAMP)
	@echo "Building the playbook and serving it at http://$(ADDR)/ (the first build takes about 30 s)..."
	$(BIN)/playbook serve --addr $(ADDR)

## Run the whole test suite (browser tests included when Chromium is available).
test: setup browser
	$(BIN)/python -m pytest

## Fast tests only: no site build, no mkdocs, no browser (under a minute).
test-fast: setup
	$(BIN)/python -m pytest -n auto -m "not browser and not slow" --hypothesis-profile=fast

## Rewrite the golden files (tests/__snapshots__/) after an intended change of rendered output.
golden: setup
	$(BIN)/python -m pytest tests/test_golden.py --snapshot-update

## Strict build plus link check into site/.
site: setup
	$(BIN)/playbook build --out site

## The whole playbook as one PDF: the print page, printed by headless Chromium.
pdf: setup browser
	$(BIN)/playbook pdf --out playbook.pdf

## A demo MLflow registry (SQLite) for the reference use cases, pulled into data/inventory.yaml.
inventory-demo: setup
	rm -f .cache/mlflow-demo.db
	mkdir -p .cache
	$(BIN)/playbook inventory demo --tracking-uri sqlite:///.cache/mlflow-demo.db
	$(BIN)/playbook inventory pull --tracking-uri sqlite:///.cache/mlflow-demo.db

validate: setup
	$(BIN)/playbook validate --strict

## ruff, ruff format, mypy (strict), the import contracts, and the workflows.
lint: setup
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github/workflows

## Make sure a Chromium for the browser tests exists; install it where we can.
browser:
	@bash .ci/ensure-browser

clean:
	rm -rf site .cache .pytest_cache
