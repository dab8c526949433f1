# Thin wrappers: every target creates .venv on first use and re-installs when pyproject.toml changes.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.mltrade-installed

.PHONY: install demo test lint bench clean

$(BIN)/python:
	@echo ">>> creating $(VENV) with $(PY) ($$($(PY) --version))"
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo ">>> installing mltrade (editable) with its dev extras into $(VENV)"
	$(BIN)/python -m pip install --progress-bar off -q -e '.[dev]' 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	@$(BIN)/python -c "import mltrade, torch, xgboost, talib; print('>>> installed mltrade', mltrade.__version__, '| torch', torch.__version__, '| xgboost', xgboost.__version__, '| TA-Lib', talib.__version__)"
	@touch $@

install: $(STAMP)

demo: install          ## the main job on the bundled sample data (no network)
	$(BIN)/mltrade demo

test: install          ## every check CI runs, with a summary
	$(BIN)/python scripts/check.py

lint: install          ## ruff, bandit, mypy, detect-secrets
	$(BIN)/python scripts/check.py --only lint

bench: install         ## benchmarks: rows/s and ratios to reference implementations (bench/README.md)
	$(BIN)/python -m pip install --progress-bar off -q -e '.[dev,bench]' 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	$(BIN)/python bench/run.py

clean:                 ## remove generated docs and caches (keeps .venv)
	rm -rf _docs _proc .mypy_cache .ruff_cache
