# The single entry point. Every target creates or reuses .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov and the SAM CLI pin other boto3 versions than the project, so each gets a venv of its own.
CHECKOV := .venv-checkov/bin/checkov
SAM := .venv-sam/bin/sam
# IAM checks that matter here (wildcards, escalation, exfiltration, unconstrained writes) and log retention;
# the rest of checkov's defaults (KMS everywhere, per-function DLQs and concurrency) is noise for this stack.
CHECKOV_CHECKS := CKV_AWS_60,CKV_AWS_61,CKV_AWS_62,CKV_AWS_63,CKV_AWS_66,CKV_AWS_107,CKV_AWS_108,CKV_AWS_109,CKV_AWS_110,CKV_AWS_111
# Python versions `sam build` may use, through pyenv when it is there (the runtime is python3.12).
SAM_PYTHONS := 3.12.1:3.13.0:3.11.7

.DEFAULT_GOAL := help
.PHONY: help venv demo test test-fast lint pr bench bench-smoke hey sfn-local sfn-localstack sam-build checkov scaffold-check clean browser

help:
	@echo "make demo    run the real workflow locally against a sample service (good and bad release)"
	@echo "make test    run the test suite"
	@echo "make test-fast  the tests that take milliseconds (no engine run, no other program, no fuzzing)"
	@echo "make lint    ruff, mypy strict, cfn-lint (+ serverless rules), state machine checks, checkov, sam build"
	@echo "make pr      lint + test: what CI runs"
	@echo "make scaffold-check  add two validations to a copy of the tree; make lint and make test pass there"
	@echo "make bench   print the benchmark figures"
	@echo "make bench-smoke  a quick pass of every bench (CI runs it, so none can rot unseen)"
	@echo "make sfn-local  run the MockConfigFile cases on Step Functions Local (Docker; LocalStack without it)"
	@echo "make sfn-localstack  the MockConfigFile cases and the parity tier on LocalStack's Step Functions (no Docker)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "greenlight needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(BIN)/greenlight demo

# The report page is checked in a real headless browser: Debian's chromium, installed when this machine allows it
# (root and apt-get); elsewhere the browser test skips and says why.
browser:
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "chromium could not be installed: the report's browser test will skip"; \
	else \
		echo "no chromium and no root apt-get here: the report's browser test will skip"; \
	fi

# Tests run in several processes: half of the suite's time is waiting (servers, deadlines), so more than the cores.
TEST_PROCESSES ?= 4
PYTEST := $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadgroup

test: venv browser
	$(PYTEST)

# The inner loop: every test but those marked `engine`, `tool` or `fuzz` (what they cost: tests/conftest.py), without
# the opt-in tier (tests/integration) and the second engine (tests/sfn_local).
# Its tests wait for nothing, so one process per core: each process also collects the whole tree (7 s of CPU).
FAST := -m "not engine and not tool and not fuzz" --ignore=tests/integration --ignore=tests/sfn_local
test-fast: venv
	$(BIN)/python -m pytest -n auto --dist loadgroup $(FAST) tests

$(CHECKOV):
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet checkov==3.3.30

$(SAM):
	$(PYTHON) -m venv .venv-sam
	.venv-sam/bin/python -m pip install --quiet aws-sam-cli==1.170.0

lint: venv checkov sam-build
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=functions $(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml -a cfn_lint_serverless.rules
	$(BIN)/cfn-lint examples/ecs-bluegreen/template.yaml examples/ecs-native/template.yaml examples/notifications/template.yaml examples/custom-checks/template.yaml
	$(BIN)/python -m greenlight.authoring.lint statemachines/validation.asl.json

checkov: venv $(CHECKOV)
	$(BIN)/python -m greenlight.authoring.translate .aws-sam/translated.json
	$(CHECKOV) -f .aws-sam/translated.json --framework cloudformation --skip-download --compact --quiet --check $(CHECKOV_CHECKS)

sam-build: $(SAM)
	@if PYENV_VERSION=$(SAM_PYTHONS) python3.12 --version >/dev/null 2>&1; then \
		PYENV_VERSION=$(SAM_PYTHONS) $(SAM) build --build-dir .aws-sam/build --template template.yaml; \
	else \
		echo "sam build skipped: no python3.12 here (the Lambda runtime's Python; pyenv install 3.12 to enable)"; \
	fi

pr: lint test

# new-validation's promise, on a copy of the tree: two new validations, then the whole lint and test pass there.
scaffold-check: venv $(CHECKOV) $(SAM)
	.ci/scaffold-check

# bench/synthetic_vs_hey.py compares with `hey` (Debian's package), installed like the browser above.
hey:
	@command -v hey >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey >/dev/null); } \
		|| echo "hey could not be installed: bench/synthetic_vs_hey.py prints greenlight's figure alone"

bench: venv hey
	$(BIN)/python bench/hook_cold_start.py
	$(BIN)/python bench/workflow_run.py
	$(BIN)/python -m bench.local_run_start
	$(BIN)/python -m bench.synthetic_vs_hey
	$(BIN)/python -m bench.fault_matrix
	$(BIN)/python -m bench.hostile_services
	$(BIN)/python -m bench.bad_configs
	$(BIN)/python -m bench.metrics_delay

# Every bench, briefly (about a minute and a half): CI runs it so that a bench cannot rot unseen.
bench-smoke: venv hey
	$(BIN)/python bench/hook_cold_start.py --runs 3
	$(BIN)/python bench/workflow_run.py --runs 2 --skip-suite
	$(BIN)/python -m bench.local_run_start --runs 1 --wait 8
	$(BIN)/python -m bench.synthetic_vs_hey --requests 1000 --rounds 1 --server-delay-ms 0
	$(BIN)/python -m bench.fault_matrix --only none ecs-none
	$(BIN)/python -m bench.hostile_services --cases redos
	$(BIN)/python -m bench.bad_configs --limit 3
	$(BIN)/python -m bench.metrics_delay --only defaults --release good --time-scale 0.05

clean:
	rm -rf $(VENV) .venv-checkov .venv-sam .venv-localstack .pytest_cache .mypy_cache .ruff_cache .aws-sam

sfn-local: venv
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then \
		docker compose up -d && SFN_LOCAL_ENDPOINT=http://localhost:8083 $(BIN)/python -m pytest tests/sfn_local -rs; \
	else \
		echo "sfn-local: no Docker daemon answers; running the cases on LocalStack instead (make sfn-localstack)"; \
		$(MAKE) --no-print-directory sfn-localstack; \
	fi

# LocalStack's Step Functions in host mode (no Docker): .venv-localstack needs Python 3.13 (pyenv's when there is one;
# without it this says so, exits 0, and the tests skip saying why). The tests start LocalStack and stop it by its pid.
sfn-localstack: venv
	@.ci/localstack-venv
	GREENLIGHT_LOCALSTACK=1 $(BIN)/python -m pytest tests/sfn_local -rs
