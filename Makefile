# Two commands on a fresh machine: `make run` (app + demo data), `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app run
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
export INSTANCE_PATH DATABASE_URL

.PHONY: install translations run test lint clean audit load

install: $(BIN)/.installed translations

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile -f -d translations

run: install
	$(FLASK) db upgrade
	@if [ "$${APP_ENV:-development}" != production ]; then $(FLASK) seed --if-empty; fi
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - "run:app"

test: install
	$(BIN)/python -m pytest -q tests

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache

# -- perf (issue 8): the large dataset and the benchmarks on it --------------------------
# LARGE_DATABASE_URL defaults to sqlite:///<INSTANCE_PATH or instance>/large.db (never the demo database).
.PHONY: bench bench-data
export LARGE_DATABASE_URL

bench-data: install
	$(FLASK) seed-large

bench: install
	$(BIN)/python -m benchmarks.run

# -- faults, load and security (issue 9) -----------------------------------------------------
# LOAD_PG_URL: a PostgreSQL database that `make load` may WIPE and re-seed (skipped when empty).
LOAD_PG_URL ?=
LOAD_USERS ?= 50
LOAD_TIME ?= 120

load: install
	$(BIN)/python -m benchmarks.load.run --users $(LOAD_USERS) --time $(LOAD_TIME) --db sqlite \
		$(if $(LOAD_PG_URL),--db "$(LOAD_PG_URL)",)
	@if [ -z "$(LOAD_PG_URL)" ]; then echo "PostgreSQL run skipped: set LOAD_PG_URL (it is wiped)"; fi

audit: install
	$(BIN)/bandit -q -c bandit.yaml -r app config.py run.py seeds benchmarks
	$(BIN)/pip-audit -r requirements.txt --strict --progress-spinner off || \
		{ echo "pip-audit could not audit every package (offline?): see SECURITY.md"; exit 1; }
