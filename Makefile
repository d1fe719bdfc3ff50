# LUS – the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# One pytest worker per CPU (pytest-xdist); `make test PYTEST_ARGS=` runs serially.
PYTEST_ARGS ?= -n auto

.PHONY: demo test venv syscheck messages migrate lint format bench clean

syscheck:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "LUS needs Python >= 3.11 (found: $$($(PYTHON) --version))."; exit 1; }
	@ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || { \
		echo "WeasyPrint needs Pango. Install it with:"; \
		echo "  sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; exit 1; }
	@command -v msgfmt >/dev/null || { echo "Install gettext: sudo apt-get install -y gettext"; exit 1; }
	@command -v xmlsec1 >/dev/null || { echo "SAML login needs xmlsec1: sudo apt-get install -y xmlsec1"; exit 1; }

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory syscheck
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: messages
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	DEBUG=True $(PY) manage.py demo
	@echo "LUS kører på http://$(HOST):$(PORT)/  (stop med Ctrl+C)"
	DEBUG=True $(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite: unit, integration and (when Debian's chromium is installed) browser tests.
test: messages lint
	@if [ -x /usr/bin/chromium ]; then \
		$(VENV)/bin/pytest $(PYTEST_ARGS); \
	else \
		echo "NOTE: /usr/bin/chromium is missing (sudo apt-get install -y chromium):" \
		     "browser tests are NOT run."; \
		$(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS); \
	fi

# Performance at national scale; NOT part of `make test` (which runs `--quick` of it).
# Needs PostgreSQL on 127.0.0.1:5432 (BENCH_PG=postgres://user@host:port) and wrk. Databases
# lus_bench and lus_bench_10x are generated once and reused; writes docs/performance.md.
bench: messages
	@command -v wrk >/dev/null || { echo "Install wrk: sudo apt-get install -y wrk"; exit 1; }
	$(PY) -m lus.bench.runner $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
	find . -name '*.mo' -not -path './.venv/*' -delete
