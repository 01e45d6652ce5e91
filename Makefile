# The two commands of the README are `make run` and `make test`; both install first.
# Contracts (other tools rely on them): see ../shared/DESIGN.md §6 and docs/architecture.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench load package clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: install
	$(BIN)/python -m local_aws.run

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: install
	$(BIN)/lint-imports

bench: install
	$(BIN)/python scripts/bench.py

# A bounded locust run against a fresh local stack: USERS (default 50) for SECONDS (60).
load: install
	$(BIN)/python scripts/load.py --users $(or $(USERS),50) --seconds $(or $(SECONDS),60)

package: install
	$(BIN)/python scripts/package.py

clean:
	rm -rf $(VENV) build vendor .pytest_cache
