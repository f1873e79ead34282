# Threadline: `make run` (set up, load the sample corpus, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA := var
SAMPLE := $(DATA)/sample/ads.jsonl
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLE_ADS ?= 20000

.PHONY: setup run test lint sample load clean

setup: $(STAMP)

# Reinstalls only when the project's dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

sample: $(SAMPLE)

$(SAMPLE): | $(STAMP)
	mkdir -p $(dir $(SAMPLE))
	$(BIN)/threadline synth ads -n $(SAMPLE_ADS) --seed 42 -o $(SAMPLE).tmp --images $(dir $(SAMPLE))images
	mv $(SAMPLE).tmp $(SAMPLE)

# Loading and analysis run once per sample; later runs start in seconds.
load: $(DATA)/.sample-loaded

$(DATA)/.sample-loaded: $(SAMPLE)
	$(BIN)/threadline ingest $(SAMPLE) --source sample
	$(BIN)/threadline analyze
	touch $@

run: $(STAMP) $(DATA)/.sample-loaded
	@echo ""
	@echo "Threadline is starting at http://$(HOST):$(PORT)/"
	@echo "No login yet: accounts, MFA and roles arrive with the security work (issue 9)."
	@echo ""
	$(BIN)/threadline serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest exits 5 when it collects no test; say so instead of failing on it.
test: lint
	$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
