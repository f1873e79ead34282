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

.PHONY: setup run test lint audit-deps docs sample load clean

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

# DEMO=1 relaxes MFA for a local demo (every page then says so); the default asks for it.
run: $(STAMP) $(DATA)/.sample-loaded
	@echo ""
	@echo "Threadline is starting at http://$(HOST):$(PORT)/"
	@$(BIN)/threadline users ensure-admin
	@echo "How to log in: name 'admin' and the one-time password above (printed once, at the"
	@echo "first run). You then choose your own password and set up an authenticator app (TOTP)"
	@echo "$(if $(DEMO),(not in this DEMO mode: MFA is off and every page says so).,(or run 'make run DEMO=1' for a local demo without MFA).)"
	@echo "Lost it? $(BIN)/threadline users reset admin"
	@echo ""
	$(if $(DEMO),THREADLINE_DEMO_MODE=true) $(BIN)/threadline serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest exits 5 when it collects no test; say so instead of failing on it.
test: lint audit-deps
	$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

# Known vulnerabilities in the installed dependencies (PyPI's advisory data); needs the
# registry, so it is skipped with a notice where PyPI cannot be reached.
audit-deps: $(STAMP)
	@if $(BIN)/python -c "import urllib.request as u; u.urlopen('https://pypi.org/simple/pip/', timeout=5)" 2>/dev/null; \
	then $(BIN)/pip-audit --progress-spinner off --skip-editable > .pip-audit.txt 2>&1; status=$$?; \
	  head -n 1 .pip-audit.txt; \
	  skipped=$$(grep -c "could not be audited" .pip-audit.txt); \
	  if [ "$$skipped" -gt 0 ]; then echo "NOTICE: pip-audit could not audit $$skipped packages (this registry has no advisory data for them)"; fi; \
	  exit $$status; \
	else echo "NOTICE: pip-audit skipped: PyPI cannot be reached from here"; fi

# The command reference is generated from --help; a test fails when it drifts.
docs: $(STAMP)
	$(BIN)/python -m threadline.cli._reference > docs/cli.md

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
