# Lapor TPPO: `make demo` to try it without Telegram, `make run` to serve it, `make test` to check
# everything. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo run test lint typecheck pytest chaos fuzz i18n bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

.env:
	@echo "Creating .env with fresh secrets (edit TELEGRAM_BOT_TOKEN and STAFF_CHAT_ID)."
	@$(BIN)/lapor-tppo keygen > .env
	@printf 'TELEGRAM_BOT_TOKEN=\nSTAFF_CHAT_ID=\n' >> .env

demo: $(STAMP)
	$(BIN)/lapor-tppo demo

run: $(STAMP) .env
	$(BIN)/lapor-tppo run

lint: $(STAMP)
	$(BIN)/ruff check bot flows storage tests benchmarks
	$(BIN)/ruff format --check bot flows storage tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q -n 2

test: lint typecheck pytest

# The fault tests (outages, kills, two processes, bursts, hostile input), each run CHAOS_REPEAT
# times at CHAOS_SCALE (longer outages, bigger bursts). Set TEST_DATABASE_URL (and
# TEST_REDIS_URL) as for `make test` so the PostgreSQL and Redis variants run too.
CHAOS_REPEAT ?= 5
CHAOS_SCALE ?= 2
chaos: $(STAMP)
	CHAOS_REPEAT=$(CHAOS_REPEAT) CHAOS_SCALE=$(CHAOS_SCALE) $(BIN)/pytest -q -m chaos

# The webhook fuzzing of `make test` (tests/fuzz), with many more examples: for nights.
# FUZZ_PROFILE=ci runs the bounded one. Set TEST_DATABASE_URL for the PostgreSQL variant.
FUZZ_PROFILE ?= nightly
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=$(FUZZ_PROFILE) $(BIN)/pytest -q tests/fuzz

i18n: $(STAMP)
	$(BIN)/python -m bot.dev.i18n_tools update
	$(BIN)/python -m bot.dev.i18n_tools check

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
