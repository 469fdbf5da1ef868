# Passerelle — two commands: `make run` and `make test`. Needs only Python 3.11 and make.
# With no DATABASE_URL / REDIS_URL, embedded PostgreSQL and Valkey run under ./var/.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install lock clean

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load demo data, start worker + beat + web on http://127.0.0.1:$PORT
run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(PY) -m portal.devrun

## make test: the whole suite (pytest) and the linter; installs Debian's chromium for the
## browser tests when it is missing and we are root (otherwise they are skipped, with the reason)
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@sh tests/browser/install_chromium.sh
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## make lock: re-pin every dependency from pyproject.toml (pip-tools)
lock: $(STAMP)
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --all-extras --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
