# Relais: `make demo` runs the demo company, `make test` runs the whole suite on SQLite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
PYTHON := $(shell scripts/find-python)
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
REDIS ?= redis://127.0.0.1:6379/0
PYTEST_WORKERS ?= 2

.PHONY: help env demo serve test test-pg e2e test-voice api-fuzz lint i18n bench clean

help:
	@echo "make demo     create the environment, load the demo company, serve http://127.0.0.1:8000 with demo traffic"
	@echo "              (RELAIS_PORT=8010 make demo: another port; RELAIS_HOST: another address)"
	@echo "make test     run the whole test suite on SQLite"
	@echo "make test-pg  the same suite on PostgreSQL and the Redis channel layer"
	@echo "make e2e      browser tests (Chromium at /usr/bin/chromium)"
	@echo "make test-voice  voice tests (Kamailio, rtpengine, SIPp) in a loopback-only network namespace"
	@echo "make api-fuzz schemathesis against the REST API on a scratch database (API_FUZZ_PG: on PostgreSQL)"
	@echo "make lint     formatting, lint, types, import contracts, migrations, translations"
	@echo "make bench    every benchmark under bench/"

.tools/bin/uv:
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

env: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	@test -n "$(PYTHON)" || exit 1
	$(UV) sync --locked --python $(PYTHON)

demo: env
	$(UV) run relais demo
	$(UV) run relais serve --demo-traffic --voice  # voice when installed; RELAIS_HOST (127.0.0.1), RELAIS_PORT (8000)

serve: env
	$(UV) run relais serve

test: env
	$(UV) run pytest -m "not e2e and not pg and not voice" -n $(PYTEST_WORKERS)

test-pg: env
	@DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) scripts/require-services; status=$$?; \
	if [ $$status -eq 3 ]; then echo "make test-pg: PostgreSQL or Redis not reachable; the PostgreSQL suite was NOT run." >&2; exit 0; fi; \
	if [ $$status -ne 0 ]; then exit $$status; fi; \
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS) $(UV) run pytest -m "not e2e and not voice" -n $(PYTEST_WORKERS)

e2e: env
	@test -x /usr/bin/chromium || { echo "make e2e needs Chromium at /usr/bin/chromium (Debian: apt-get install chromium)" >&2; exit 1; }
	$(UV) run pytest -m "e2e and not voice" -p no:xdist

# Schemathesis on a scratch database with the demo company (docs/security.md, "API schema");
# API_FUZZ_PG=postgres://…/postgres: a scratch PostgreSQL database created and dropped beside it.
api-fuzz: env
	API_FUZZ_PG="$(API_FUZZ_PG)" scripts/api-fuzz

# Voice: the Debian packages must be there (one line says which); root (or user namespaces) for
# the loopback-only network namespace. PG_URL given: PostgreSQL over its unix socket there.
test-voice: env
	@missing=$$($(UV) run python -c "from relais.apps.voice.stack.processes import voice_stack_missing; print(voice_stack_missing() or '')"); \
	if [ -n "$$missing" ]; then echo "make test-voice: $$missing" >&2; exit 1; fi
	$(if $(filter command line environment,$(origin PG_URL)),VOICE_PG_URL=$(PG_URL)) scripts/in-netns scripts/test-voice

lint: env
	$(UV) run ruff format --check src tests bench scripts
	$(UV) run ruff check src tests bench scripts
	$(UV) run mypy src
	$(UV) run lint-imports
	$(UV) run python scripts/check_raw_sql.py
	RELAIS_DATA_DIR=$$(mktemp -d) $(UV) run relais makemigrations --check --dry-run
	$(UV) run python scripts/check_i18n.py

i18n: env
	$(UV) run python scripts/check_i18n.py --update

# The benchmarks (../shared/BENCHMARKS.md); the other modules of bench/ are their parts.
BENCHMARKS ?= routing_engine routing_service chat_load day_churn erlang forecast schedule simulator simulator_validation replay_bank voice_load quality_report split faq_search

bench: env
	@for module in $(BENCHMARKS); do \
		echo "== bench.$$module"; nice $(UV) run python -m bench.$$module || exit 1; \
	done

clean:
	rm -rf .venv .tools var .mypy_cache .ruff_cache
