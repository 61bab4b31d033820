# The README's two commands are `make run` and `make test`; the rest help along.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test test-fast fuzz lint format check audit db-stop serve demo-code bench lighthouse

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test,dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

## Run the app locally on http://127.0.0.1:8000 with demo data (Ctrl-C stops everything).
run: $(STAMP)
	$(PY) manage.py runlocal

## Run the whole test suite (browser tests included when Chromium is installed), in
## TEST_WORKERS parallel processes (pytest-xdist; each gets its own test database).
## The form fuzzer sends FUZZ_EXAMPLES inputs to every form: 30 here (six rendered in full)
## fuzzes every form on every run, with new inputs each time, inside CI's limit; `make fuzz`
## runs the full 500 each, for depth before a release.
TEST_WORKERS ?= 2
FUZZ_EXAMPLES ?= 30
test: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m workforce.platform.pgembed run -- $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Hypothesis over every form, 500 generated submissions each.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=500 $(PY) -m workforce.platform.pgembed run -- $(PY) -m pytest -n $(TEST_WORKERS) tests/fuzz $(PYTEST_ARGS)

## The suite without the browser and slow tests.
test-fast: $(STAMP)
	$(PY) -m workforce.platform.pgembed run -- $(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

## ruff, and the import contracts of docs/architecture.md (import-linter, pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Migrations committed, and the deployment checklist with production-like settings.
check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=false SECRET_KEY=ci-check-$$(date +%s)-not-a-real-secret-key-but-long-enough-for-django \
	  ALLOWED_HOSTS=workforce.example.org SITE_URL=https://workforce.example.org DATABASE_URL=postgresql://app:app@127.0.0.1:5432/app \
	  $(PY) manage.py check --deploy --fail-level WARNING

## Known vulnerabilities in the installed dependencies (needs PyPI's JSON API; --strict
## fails if any package could not be checked, so "nothing found" always means checked).
audit: $(STAMP)
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

## The current two-step sign-in code of the demo logins (lead, safeguarding, finance, admin).
demo-code: $(STAMP)
	@$(PY) manage.py demo_code

## Stop the embedded PostgreSQL if anything left it running.
db-stop:
	@if [ -x $(PY) ]; then $(PY) -m workforce.platform.pgembed stop; else echo "nothing to stop"; fi

## Production-style server on the embedded database (for trying gunicorn locally).
serve: $(STAMP)
	$(PY) -m workforce.platform.pgembed run -- $(VENV)/bin/gunicorn workforce.wsgi --bind 127.0.0.1:8000 --workers 2

## The outside accessibility audit (issue 19): Lighthouse 12.2.3, pinned in
## bench/lighthouse/package-lock.json, on each persona's home page and main forms at 375 px,
## driving Debian's Chromium. Fails unless accessibility is 100 and best practices >= 95.
LIGHTHOUSE_VAR ?= /tmp/wf-lighthouse-var
lighthouse: $(STAMP)
	cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	WORKFORCE_VAR_DIR=$(LIGHTHOUSE_VAR) $(PY) -m workforce.platform.pgembed run -- $(PY) bench/lighthouse/run.py

## Benchmarks (not part of make test; see bench/README.md). BENCH_SCALE=10 seeds ~20,000 people
## once into $(BENCH_VAR) (slow: see the README), then measures the pages and the exports.
BENCH_SCALE ?= 10
BENCH_VAR ?= /tmp/wf-bench-var
bench: $(STAMP)
	$(PY) bench/pages.py --scale $(BENCH_SCALE) --var-dir $(BENCH_VAR) $(BENCH_ARGS); \
	  pages=$$?; WORKFORCE_VAR_DIR=$(BENCH_VAR)-export $(PY) bench/export.py; \
	  export=$$?; exit $$(( pages || export ))
