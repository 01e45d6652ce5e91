# The two commands of the README are `make run` and `make test`; both install first.
# Contracts (other tools rely on them): see ../shared/DESIGN.md §6 and docs/architecture.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests of the web app (tests/e2e/test_web.py): Debian's Chromium (never a
# downloaded browser) and axe-core from npm, pinned, in a git-ignored folder.
CHROMIUM := /usr/bin/chromium
AXE_CORE_VERSION := 4.14.1
AXE := .web-cache/node_modules/axe-core/axe.min.js

.PHONY: install run test lint bench load package clean

install: $(STAMP) $(CHROMIUM) $(AXE)

$(STAMP): requirements.txt requirements-dev.txt requirements-codegen.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	test -x $(VENV)/codegen/bin/python || $(PYTHON) -m venv $(VENV)/codegen
	$(VENV)/codegen/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-codegen.txt
	touch $(STAMP)

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium

$(AXE):
	npm install --silent --no-audit --no-fund --save-exact --prefix .web-cache axe-core@$(AXE_CORE_VERSION)

run: install
	$(BIN)/python -m local_aws.run

# The whole suite under coverage, the processes it starts included (pyproject.toml's
# [tool.coverage]); the report fails under fail_under.
test: install lint
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest -n 2 --dist loadfile
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

# What each check covers and why: docs/development.md.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/bandit -c pyproject.toml -ll -r chalicelib tbcv_cli local_aws app.py
	$(BIN)/python scripts/audit_dependencies.py

bench: install
	$(BIN)/python scripts/bench.py

# A bounded locust run against a fresh local stack: USERS (default 50) for SECONDS (60).
load: install
	$(BIN)/python scripts/load.py --users $(or $(USERS),50) --seconds $(or $(SECONDS),60)

package: install
	$(BIN)/python scripts/package.py

clean:
	rm -rf $(VENV) build vendor .pytest_cache .web-cache .coverage .coverage.*
