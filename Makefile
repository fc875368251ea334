# lockgate: set-up, demo, tests. Every target that runs code calls scripts/bootstrap
# first (about a second when nothing changed).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV_PY := .venv/bin/python
# Podman settings for lockgate's own use (runc, no default ulimits), written by bootstrap.
LOCKGATE_CONTAINERS_CONF := $(CURDIR)/.cache/containers/containers.conf
# Extra arguments for pytest, e.g. make test PYTEST_ARGS="tests/engine -q"
PYTEST_ARGS ?=

.PHONY: help bootstrap demo test lint bench

help:
	@echo "make demo       set up, run the whole pipeline on examples/tenancy-api, promote it to production"
	@echo "make test       set up, start a test PostgreSQL, run the test suite, stop it"
	@echo "make bootstrap  install system packages, venvs and the local base image"
	@echo "make lint       ruff check + ruff format --check on src and tests"
	@echo "make bench      run every bench/*.py (fails if any bench misses its target)"

demo test bench: export CONTAINERS_CONF := $(LOCKGATE_CONTAINERS_CONF)
# Offline advisory data for the deps gate when the shared snapshot sits beside the clone;
# override with LOCKGATE_ADVISORY_DB=DIR (`lockgate advisories sync` fills one when online).
LOCKGATE_ADVISORY_DB ?= $(abspath $(wildcard ../shared/advisories/pypa))
demo: export LOCKGATE_ADVISORY_DB := $(LOCKGATE_ADVISORY_DB)

bootstrap:
	scripts/bootstrap

# The pipeline on the example, then staging and production, the four keys and the dashboard's
# command (scripts/demo). A failed gate or a refused promotion (exit 1) is a result the demo shows,
# not a broken demo: only bad input (2) or an internal error (3) makes `make demo` fail.
demo: bootstrap
	@scripts/demo

# Starts PostgreSQL for the tests when scripts/pg-test-server exists and always
# stops it again, keeping pytest's exit code.
test: bootstrap
	@set -euo pipefail; \
	if [[ -x scripts/pg-test-server ]]; then \
		trap 'scripts/pg-test-server stop' EXIT; \
		scripts/pg-test-server start; \
		LOCKGATE_TEST_POSTGRES_URL="$$(scripts/pg-test-server url)"; \
		export LOCKGATE_TEST_POSTGRES_URL; \
	else \
		echo "make test: scripts/pg-test-server not found; PostgreSQL tests will skip"; \
	fi; \
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

lint: bootstrap
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

bench: bootstrap
	@set -euo pipefail; \
	shopt -s nullglob; \
	benches=(bench/*.py); \
	if [[ $${#benches[@]} -eq 0 ]]; then echo "make bench: no bench/*.py yet"; exit 0; fi; \
	failed=(); \
	for b in "$${benches[@]}"; do \
		echo "== $$b"; \
		$(VENV_PY) "$$b" || failed+=("$$b"); \
	done; \
	if [[ $${#failed[@]} -gt 0 ]]; then echo "make bench: failed: $${failed[*]}"; exit 1; fi
