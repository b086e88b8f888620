"""Fixtures shared by every test folder: sample events, the project, CodeDeploy's callback as tests record it; and the
markers that say what a test costs (`engine`, `tool`, `fuzz`), given by what it starts or asks for."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import is_hypothesis_test, settings

from greenlight.engine.project import Project
from tests.support import costs
from tests.support.costs import pytest_runtest_makereport, pytest_runtest_protocol
from tests.support.stubs import RecordingCodeDeploy, RecordingEvents

EVENTS = Path(__file__).parent / "events"
ROOT = Path(__file__).resolve().parents[1]

# What a test starts, read from its own source and its fixtures; each costs seconds, where the rest cost milliseconds.
# A test that starts either without its marker fails (tests/support/costs.py), so these lists cannot fall behind.
# `engine`: the embedded engine running the whole workflow (tests/statemachines/ marks its modules `engine` itself).
ENGINE_CALLS = (
    *("run_local(", "LocalEngine(", "run_json(", "SampleService(", '"demo"', "--mock-config", "run_fault("),
    '"local", "run"',  # the CLI's main() in this process
)
ENGINE_FIXTURES = {"engine", "failing_page", "scaffolded"}
# `tool`: another program in a subprocess (cfn-lint's rules, checkov, lint-imports, the AWS CLI, a browser, python).
TOOL_CALLS = (
    *("subprocess.", "_run_checkov(", "lint_imports(", "cfn_lint_problems(", "run(scaffolded", 'main(["lint"'),
    "_offline_cli(",  # the AWS CLI's parser (tests/support/awscli_offline.py)
)
TOOL_FIXTURES = {"chromium", "scaffolded", "walked"}  # walked: the examples' walkthroughs in bash
# `fuzz`: a property test asking Hypothesis for more examples than its default 100 (hundreds: seconds of CPU).
FUZZ_OVER = 100


pytest_plugins = ["pytester"]
costs.install()  # a test that starts the engine or a program without its marker fails (tests/support/costs.py)
__all__ = ["pytest_runtest_makereport", "pytest_runtest_protocol"]


def load_event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / f"{name}.json").read_text()))


def client_error(code: str, operation: str = "Operation") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} (injected)"}, "ResponseMetadata": {}}, operation)


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.find(ROOT)


@pytest.fixture
def codedeploy() -> RecordingCodeDeploy:
    return RecordingCodeDeploy()


@pytest.fixture
def events() -> RecordingEvents:
    return RecordingEvents()


@pytest.fixture
def lambda_context() -> Any:
    class Context:
        function_name = "test"
        function_version = "$LATEST"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
        memory_limit_in_mb = 128
        aws_request_id = "request-1"
        log_group_name = "/aws/lambda/test"
        log_stream_name = "test"

        def get_remaining_time_in_millis(self) -> int:
            return 30_000

    return Context()


@pytest.fixture(autouse=True)
def _aws_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches real AWS by accident: fake credentials and a fixed region, except in the opt-in tier."""
    if request.node.get_closest_marker("integration"):
        return
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Greenlight",
    }.items():
        monkeypatch.setenv(name, value)


def _costs(item: pytest.Item) -> set[str]:
    function = getattr(item, "function", None)
    source = inspect.getsource(function) if function is not None else ""
    fixtures = set(getattr(item, "fixturenames", ()))
    costs = set()
    if any(c in source for c in ENGINE_CALLS) or fixtures & ENGINE_FIXTURES:
        costs.add("engine")
    if any(c in source for c in TOOL_CALLS) or fixtures & TOOL_FIXTURES:
        costs.add("tool")
    if item.get_closest_marker("sfn_local"):  # a second Step Functions engine in its own process, and the embedded one
        costs |= {"engine", "tool"}
    if function is not None and is_hypothesis_test(function):
        asked = getattr(function, "_hypothesis_internal_use_settings", settings.default)  # what @settings gave
        if asked.max_examples > FUZZ_OVER:
            costs.add("fuzz")
    return costs


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test with what it costs, so `make test-fast` can leave out what takes seconds; keep the tests
    that share a module-scoped fixture costing seconds (a copy of the project) in one test process."""
    for item in items:
        for cost in sorted(_costs(item)):
            item.add_marker(cost)
        if "scaffolded" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("scaffolded"))
