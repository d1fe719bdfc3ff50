# LUS – the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# One pytest worker per CPU (pytest-xdist); `make test PYTEST_ARGS=` runs serially.
PYTEST_ARGS ?= -n auto

.PHONY: demo test venv syscheck messages migrate lint contracts types format bench clean

# Debian packages (deploy/apt-packages.txt, the one list; .ci/run uses it too) and the Python
# environment: `make demo` and `make test` install what is missing, nothing by hand before.
syscheck:
	@deploy/install-packages

$(STAMP): pyproject.toml | syscheck
	@PYTHON=$(PYTHON) VENV=$(VENV) deploy/install-python
	@touch $(STAMP)

venv: syscheck $(STAMP)

messages: venv
	@echo "== translations: compiling"
	@$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: messages
	@echo "== database: migrating"
	@$(PY) manage.py migrate --noinput -v0

demo: migrate
	DEBUG=True $(PY) manage.py demo
	@echo "LUS kører på http://$(HOST):$(PORT)/  (stop med Ctrl+C)"
	@# The task worker and the periodic scheduler run beside the server (reminders arrive in
	@# the demo too); they stop with it. Production: docs/deployment.md.
	DEBUG=True $(PY) manage.py db_worker --no-reload & worker=$$!; \
	DEBUG=True $(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	DEBUG=True $(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The dependency ladder (import-linter contracts in pyproject.toml, docs/architecture.md).
contracts: venv
	PYTHONPATH=$(CURDIR) $(VENV)/bin/lint-imports

# Types of services, selectors and models (mypy with django-stubs, pyproject.toml).
types: venv
	PYTHONPATH=$(CURDIR) $(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite: unit, integration and (when Debian's chromium is installed) browser tests.
test: messages lint contracts types
	@if [ -x /usr/bin/chromium ]; then \
		$(VENV)/bin/pytest $(PYTEST_ARGS); \
	else \
		echo "NOTE: /usr/bin/chromium is missing (sudo apt-get install -y chromium):" \
		     "browser tests are NOT run."; \
		$(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS); \
	fi

# Performance at national scale; NOT part of `make test` (which runs `--quick` of it).
# Needs PostgreSQL on 127.0.0.1:5432 (BENCH_PG=postgres://user@host:port) and wrk. Databases
# lus_bench, lus_bench_10x and the two --size databases are generated once and reused; writes
# docs/performance.md and docs/performance-size.md.
bench: messages
	@command -v wrk >/dev/null || { echo "Install wrk: sudo apt-get install -y wrk"; exit 1; }
	$(PY) -m lus.bench.runner $(BENCH_ARGS)
	@# One municipality at 2,500 and at 25,000 leaders: the HR overview's size target.
	$(PY) -m lus.bench.runner --size --no-coedit --no-people-import $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
	find . -name '*.mo' -not -path './.venv/*' -delete
