"""The fault matrix: whatever breaks, CodeDeploy receives exactly one verdict, the right one, and nothing hangs.

Unhandled exceptions in any thread (the interpreter's, the listener's, the handlers') fail these tests.
"""

from __future__ import annotations

import pytest

from greenlight.project import Project
from tests.conftest import ROOT
from tests.support.fault_runs import run_fault
from tests.support.faults import FAULTS, Fault, markdown_table

pytestmark = [pytest.mark.engine, pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]


# Stopping an execution mid-Wait makes moto's own branch thread raise (its interpreter, not greenlight's code).
MOTO_STOP_NOISE = pytest.mark.filterwarnings(
    "ignore:Exception in thread BranchWorker:pytest.PytestUnhandledThreadExceptionWarning"
)


@pytest.mark.parametrize(
    "fault",
    [pytest.param(f, id=f.name, marks=[MOTO_STOP_NOISE] if f.name == "workflow-aborted" else []) for f in FAULTS],
)
def test_exactly_one_verdict_arrives(project: Project, fault: Fault) -> None:
    outcome = run_fault(fault, project)
    execution, reason = outcome.result.execution, outcome.result.reason
    # THEN exactly one callback was accepted, with the expected status, and the run ended by itself
    assert outcome.accepted == [fault.expected], (outcome.callbacks, reason)
    # ... any later report was answered LifecycleEventAlreadyCompleted, and only where one is expected
    assert len(outcome.callbacks) - 1 == fault.late_reports, outcome.callbacks
    # ... each verdict greenlight delivered was announced once, and nothing else (none for a verdict not its own)
    assert tuple(e["detail-type"] for e in outcome.result.events) == fault.announced, outcome.result.events
    # ... the fault was really hit, and the run ended by itself
    assert fault.evidence in outcome.result.model_dump_json(), reason
    assert execution.error != "Greenlight.LocalDeadline" or fault.name == "workflow-aborted"


def test_the_documented_matrix_is_this_table() -> None:
    document = (ROOT / "docs" / "fault-matrix.md").read_text()
    assert markdown_table() in document, (
        "regenerate the table in docs/fault-matrix.md: python -m bench.fault_matrix --table"
    )
