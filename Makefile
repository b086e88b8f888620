# The single entry point. Every target creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv demo test test-fast lint pr bench sfn-local clean

help:
	@echo "make demo    run the real workflow locally against a sample service (good and bad release)"
	@echo "make test    run the test suite"
	@echo "make lint    ruff, mypy, cfn-lint, state machine checks"
	@echo "make pr      lint + test: what CI runs"
	@echo "make bench   print the benchmark figures"
	@echo "make sfn-local  run the MockConfigFile cases on Step Functions Local (Docker)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "greenlight needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/greenlight demo

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/cfn-lint template.yaml
	$(BIN)/python -m greenlight.lint statemachines/validation.asl.json

pr: lint test

bench: venv
	$(BIN)/python bench/hook_cold_start.py
	$(BIN)/python bench/workflow_run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam

sfn-local: venv
	docker compose up -d
	SFN_LOCAL_ENDPOINT=http://localhost:8083 $(BIN)/python -m pytest tests/sfn_local -rs
