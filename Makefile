# The two commands: `make dev` (install + run the local stack) and `make test` (install + every check).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
FN_VENV := functions/venv
SITE := $(VENV)/lib/python3.11/site-packages
# Locally the offline responder streams word by word, so streaming is visible (0 = instant).
export SESSIONS_OFFLINE_STREAM_DELAY_MS ?= 40

.PHONY: help install bundle browser web-types dev test lint typecheck unit integration deploy-check fuzz clean

help:
	@echo "make dev   - install everything and start the local emulator stack"
	@echo "make test  - install everything and run ruff, mypy --strict, unit and integration tests"

# Dev/test tools venv (runtime deps + tools); the repo root and functions/ are on its path.
$(VENV)/.installed: requirements-dev.txt functions/requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	printf '%s\n%s\n' "$(CURDIR)" "$(CURDIR)/functions" > $(SITE)/sessions_backend.pth
	touch $@

# The functions' own venv: exactly what deploy installs, which the Functions emulator runs.
$(FN_VENV)/.installed: functions/requirements.txt
	test -x $(FN_VENV)/bin/python || $(PYTHON) -m venv $(FN_VENV)
	$(FN_VENV)/bin/pip install -q --disable-pip-version-check -r functions/requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed $(FN_VENV)/.installed node_modules/.installed bundle browser
	@$(VENV)/bin/python infra/local/toolchain.py --out .local > /dev/null

bundle: $(VENV)/.installed node_modules/.installed
	@$(VENV)/bin/python infra/bundle_shared.py
	@$(VENV)/bin/python infra/vendor_web_sdk.py

# The end-to-end tests drive Debian's Chromium (Playwright's own browser download needs the internet).
browser:
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Regenerate the web client's API types from the OpenAPI document (`make test` checks they are current).
web-types: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/python infra/web_api_types.py

dev: install
	infra/local/emulators.sh start

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache   # layer contracts: pyproject.toml [tool.importlinter]

typecheck: install
	$(VENV)/bin/mypy

unit: install
	@mkdir -p .local
	$(VENV)/bin/pytest -m "not emulator" --junitxml=.local/junit-unit.xml

# Short "minutes", reminder leads and grace for the credits and scheduling tests: the emulators (which
# pass the environment to the functions) and pytest see the same values. With a 2 s minute a 30-minute
# session times out after 60 s and 60 credits last 120 s, far longer than other tests keep a session.
integration: export SESSIONS_CREDIT_MINUTE_SECONDS ?= 2
integration: export SESSIONS_REMINDER_LEADS_SECONDS ?= 6,0
integration: export SESSIONS_MISSED_GRACE_SECONDS ?= 4
integration: export SESSIONS_LOW_CREDIT_WARNING_MINUTES ?= 10
integration: export SESSIONS_RECORD_PROMPTS ?= true
# Every Firestore query the functions run is recorded (shapes only) and kept in infra/queries.recorded.jsonl,
# which deploy-check proves against firestore.indexes.json (the emulators never enforce indexes).
integration: export SESSIONS_RECORD_QUERIES = $(CURDIR)/.local/queries.jsonl
# Room shows of seconds (phases at 2% of their configured length) and a 6 s rejoin grace.
integration: export SESSIONS_ROOM_PHASE_TIME_SCALE ?= 0.02
integration: export SESSIONS_ROOM_GRACE_SECONDS ?= 6
# Tests add knowledge-base documents and expect the next reply to use them (60 s in production).
integration: export SESSIONS_KNOWLEDGE_EMPTY_RECHECK_SECONDS ?= 0
# The companion-chatbot AI notice every 40 s of active time (at most 3 hours in production). Not much
# shorter: the Tasks emulator delivers at once, and a notice task within 10 s of its time waits in its own
# worker process, so a clock of seconds kept one sleeping worker per live session of the suite (OOM).
integration: export SESSIONS_AI_NOTICE_INTERVAL_SECONDS ?= 40
integration: install
	@mkdir -p .local && rm -f .local/queries.jsonl
	infra/local/emulators.sh exec "$(VENV)/bin/pytest -m emulator --junitxml=.local/junit-integration.xml"
	$(VENV)/bin/python -m infra.deploy.record .local/queries.jsonl infra/queries.recorded.jsonl

# Offline: indexes for the recorded queries, secrets, bundle, IAM, APIs, hosting, TTLs, schedules, rules.
deploy-check: install
	$(VENV)/bin/python infra/deploy_check.py

# The standing adversarial suite runs in `make integration` with small sizes; this runs it alone with
# ten times the examples and four times the race rounds (minutes, not part of CI).
fuzz: export SESSIONS_CREDIT_MINUTE_SECONDS ?= 2
fuzz: export SESSIONS_RECORD_PROMPTS ?= true
fuzz: install
	SESSIONS_FUZZ=1 infra/local/emulators.sh exec "$(VENV)/bin/pytest -m emulator tests/integration/test_adversarial_*.py tests/integration/test_hardening.py"

test: lint typecheck unit integration deploy-check
	@$(VENV)/bin/python infra/local/test_summary.py .local/junit-unit.xml .local/junit-integration.xml

clean:
	rm -rf $(VENV) $(FN_VENV) node_modules .local functions/shared public/vendor

# Benchmarks against a fresh emulator stack: ratios to a baseline measured in the same run, tables on
# stdout and JSON in .local/bench/ (see docs/performance.md). Offline replies without stream delay.
.PHONY: bench
bench: install
	SESSIONS_OFFLINE_STREAM_DELAY_MS=0 infra/local/emulators.sh exec "$(VENV)/bin/python -m bench all"
