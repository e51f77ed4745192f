# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/default

.PHONY: run test install chromium postgres localstack lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job.
run: $(STAMP)
	$(BIN)/trailwatch up --scenario departing-dba

## Debian's Chromium for the browser tests (Playwright cannot download its own browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

## Debian's PostgreSQL server binaries for the lab app's DATABASE_URL tests (each test starts its own server).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi; }

## LocalStack 4.14.0 on the host (no Docker) for the tests marked `localstack`: a Python 3.13 venv
## pinned by ../shared/reference/localstack-runtime-constraints.txt (docs/backends.md).
LS_VENV := .venv-localstack
LS_STAMP := $(LS_VENV)/.installed
LS_CONSTRAINTS := ../shared/reference/localstack-runtime-constraints.txt
# pyenv's python3.13 shim answers only when 3.13 is selected
PYTHON313 ?= PYENV_VERSION=$${PYENV_VERSION:-3.13} python3.13

$(LS_STAMP):
	@test -f $(LS_CONSTRAINTS) || { echo "make localstack: $(LS_CONSTRAINTS) is missing" >&2; exit 1; }
	$(PYTHON313) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LS_VENV)/bin/pip install --quiet "localstack-core[runtime]==4.14.0" -c $(LS_CONSTRAINTS)
	touch $(LS_STAMP)

localstack: $(LS_STAMP)

## The whole suite.
test: $(STAMP) chromium postgres localstack
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/generate.py
	$(BIN)/python benchmarks/patterns.py

clean:
	rm -rf $(VENV) data .pytest_cache
