"""Every MockConfigFile test case on the embedded engine: the same cases Step Functions Local runs.

Each case mocks every Task state, so these tests assert the ASL's wiring: which states a path visits, what
reaches Finalize, how the execution ends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.payload.models import Plan
from greenlight.engine.patches.mock_config import case_names, read
from greenlight.engine.run.local_engine import STATE_MACHINE_NAME, LocalEngine
from greenlight.project import Project
from tests.conftest import ROOT
from tests.greenlight.engine.conftest import history
from tests.support.mock_cases import EXPECTED, assert_case

pytestmark = pytest.mark.engine

MOCK_CONFIG = ROOT / "tests" / "MockConfigFile.json"


def test_every_case_in_the_file_has_an_expectation_here() -> None:
    assert set(case_names(read(MOCK_CONFIG), STATE_MACHINE_NAME)) == set(EXPECTED)


def test_every_mocked_plan_is_a_valid_plan() -> None:
    """The mocked Prepare outputs cannot drift from the Plan model the real functions read."""
    responses = [r for rs in read(MOCK_CONFIG)["MockedResponses"].values() for r in rs.values()]
    plans = [
        r["Return"]["Payload"]["plan"] for r in responses if (r.get("Return") or {}).get("Payload", {}).get("plan")
    ]
    assert len(plans) >= 4
    for plan in plans:
        Plan.model_validate(plan)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_mock_config_case(engine: LocalEngine, case: str) -> None:
    # GIVEN the MockConfigFile test case
    engine.use_mock_config(MOCK_CONFIG)
    # WHEN the workflow runs it, started as the hook would start it
    execution_arn = engine.start_as_hook("d-MOCK12345", f"hook-{case}", case)
    run = engine.wait(execution_arn, deadline_s=30)
    # THEN it ends as expected, along the expected path, with the expected results reaching Finalize
    assert_case(case, run.status, run.error, history(engine, execution_arn))


def test_a_malformed_mock_config_is_refused(tmp_path: Path) -> None:
    from greenlight.engine.patches.mock_config import MockConfigError

    bad = tmp_path / "bad.json"
    bad.write_text('{"StateMachines": {}}')
    with pytest.raises(MockConfigError):
        read(bad)


def test_every_mocked_answer_is_one_the_integration_could_give(project: Project) -> None:
    from greenlight.engine.patches.mock_config import answer_problems

    definition = json.loads(project.definition_text())
    document = read(MOCK_CONFIG)
    assert answer_problems(document, STATE_MACHINE_NAME, definition) == []
    # A Lambda envelope with a member the Invoke API does not have, or an aws-sdk answer breaking the model, is refused
    document["MockedResponses"]["PrepareReady"]["0"]["Return"]["Body"] = "{}"
    document["MockedResponses"]["ReportFailedAccepted"]["0"]["Return"] = {"status": "Failed"}
    found = answer_problems(document, STATE_MACHINE_NAME, definition)
    assert any("Lambda Invoke answers have no member 'Body'" in problem for problem in found)
    assert any('Unknown parameter in input: "status"' in problem for problem in found)


def test_an_aws_sdk_answer_may_be_written_as_the_integration_gives_it(project: Project) -> None:
    from greenlight.engine.patches.mock_config import answer_problems

    # GIVEN Report Failed's answer written as the aws-sdk integration returns it: PascalCase (AWS's mock format
    # mocks "the output of your service integrations"), not the CodeDeploy API's `lifecycleEventHookExecutionId`
    definition = json.loads(project.definition_text())
    document = read(MOCK_CONFIG)
    document["MockedResponses"]["ReportFailedAccepted"]["0"]["Return"] = {"LifecycleEventHookExecutionId": "hook-1"}
    # THEN it is one the integration could give; a member the output does not have still is not
    assert answer_problems(document, STATE_MACHINE_NAME, definition) == []
    document["MockedResponses"]["ReportFailedAccepted"]["0"]["Return"] = {"LifecycleEventHookId": "hook-1"}
    assert any(
        "LifecycleEventHookId" in problem for problem in answer_problems(document, STATE_MACHINE_NAME, definition)
    )
