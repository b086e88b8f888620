"""The fault matrix's ECS rows: exactly one final hookStatus, the right one, never a function error or no status."""

from __future__ import annotations

import pytest

from greenlight.engine.project import Project
from tests.conftest import ROOT
from tests.support.ecs_faults import ECS_FAULTS, EcsFault, ecs_markdown_table, run_ecs_fault

pytestmark = [pytest.mark.engine, pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]

MOTO_STOP_NOISE = pytest.mark.filterwarnings(
    "ignore:Exception in thread BranchWorker:pytest.PytestUnhandledThreadExceptionWarning"
)
VALID = {"IN_PROGRESS", "SUCCEEDED", "FAILED"}


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(f, id=f.name, marks=[MOTO_STOP_NOISE] if f.name == "ecs-workflow-aborted" else [])
        for f in ECS_FAULTS
    ],
)
def test_exactly_one_final_hook_status_arrives(project: Project, fault: EcsFault) -> None:
    outcome = run_ecs_fault(fault, project)
    result = outcome.result
    answers = result.hook_answers
    # THEN every answer had a valid status and no function error
    assert all(a.hook_status in VALID and a.function_error is None for a in answers), answers
    # ... one final status, the expected one; any later call (an injected fault) repeated it
    assert outcome.finals and set(outcome.finals) == {fault.expected}, answers
    assert result.hook_status == fault.expected and result.verdict == (
        "Succeeded" if fault.expected == "SUCCEEDED" else "Failed"
    )
    assert fault.name in ("ecs-call-after-verdict",) or len(outcome.finals) == 1
    # ... and nobody called CodeDeploy: neither Finalize nor the workflow's last-resort callback
    entered = {state.state for state in result.states}
    assert "Report Failed" not in entered and result.callbacks == []
    assert ("CodeDeploy Deployment?" in entered) is (fault.name == "ecs-finalize-down")  # the Choice that skips it
    # ... the fault was really hit
    assert fault.evidence in result.model_dump_json(), (result.reason, answers)
    if fault.executions is not None:
        started = outcome.seen.get("executions", 0 if result.execution.status == "NOT_STARTED" else 1)
        assert started == fault.executions, outcome.seen


def test_the_documented_matrix_has_the_ecs_rows() -> None:
    document = (ROOT / "docs" / "fault-matrix.md").read_text()
    assert ecs_markdown_table() in document, (
        "regenerate docs/fault-matrix.md's ECS table: python -m bench.fault_matrix --table"
    )
