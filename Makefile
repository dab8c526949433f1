# Thin wrappers: every target creates .venv on first use and re-installs when pyproject.toml changes.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PY ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.mltrade-installed
PIP_INSTALL := $(BIN)/python -m pip install --progress-bar off -q
# pip warns about find-links folders missing on some machines; everything else it says is shown (pipefail keeps its status)
PIP_QUIET := 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
# extra arguments for scripts/check.py, e.g. make test ARGS=--slow
ARGS ?=
# torch==2.13.0 from PyPI is a CUDA build of several GB; where pip does not already find the CPU build (this machine keeps it on
# disk), name PyTorch's CPU index and it is installed from there first: make test TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=

.PHONY: install demo dashboards test lint bench clean

$(BIN)/python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "mltrade needs Python 3.11, and $(PY) is " + sys.version.split()[0] + ": make PY=/path/to/python3.11 ...")'
	@echo ">>> creating $(VENV) with $(PY) ($$($(PY) --version))"
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@if [ -n "$(TORCH_INDEX)" ]; then echo ">>> installing torch 2.13.0 from $(TORCH_INDEX)"; $(PIP_INSTALL) torch==2.13.0 --index-url $(TORCH_INDEX) $(PIP_QUIET); fi
	@echo ">>> installing mltrade (editable) with its dev extras into $(VENV)"
	$(PIP_INSTALL) -e '.[dev]' $(PIP_QUIET)
	@$(BIN)/python -c "import mltrade, torch, xgboost, talib; print('>>> installed mltrade', mltrade.__version__, '| torch', torch.__version__, '| xgboost', xgboost.__version__, '| TA-Lib', talib.__version__)"
	@touch $@

install: $(STAMP)

demo: install          ## the main job on the bundled sample data (no network)
	$(BIN)/mltrade --log-level warning demo

dashboards: install    ## the six Voila dashboards on http://127.0.0.1:8866 (after make demo: the demo's runs); PORT=... to change
	$(BIN)/mltrade dashboards --port $(or $(PORT),8866)

test: install          ## every check CI runs, with a summary
	$(BIN)/python scripts/check.py $(ARGS)

lint: install          ## the pre-commit checks and more: notebooks clean, library in sync, ruff, bandit, mypy, detect-secrets
	$(BIN)/python scripts/check.py --only clean --only export --only lint

$(VENV)/.mltrade-bench-installed: $(STAMP)
	@echo ">>> installing the benchmarks' peer libraries (the bench extra) into $(VENV)"
	$(PIP_INSTALL) -e '.[dev,bench]' $(PIP_QUIET)
	@touch $@

bench: $(VENV)/.mltrade-bench-installed  ## benchmarks: rows/s and ratios to reference implementations (bench/README.md)
	$(BIN)/python bench/run.py

clean:                 ## remove generated docs and caches (keeps .venv)
	rm -rf _docs _proc .mypy_cache .ruff_cache
