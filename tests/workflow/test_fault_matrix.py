"""The fault matrix: whatever breaks, CodeDeploy receives exactly one verdict, the right one, and nothing hangs.

Unhandled exceptions in any thread (the interpreter's, the listener's, the handlers') fail these tests.
"""

from __future__ import annotations

import pytest

from greenlight.project import Project
from tests.conftest import ROOT
from tests.support.faults import FAULTS, Fault, markdown_table, run_fault

pytestmark = [pytest.mark.workflow, pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_exactly_one_verdict_arrives(project: Project, fault: Fault) -> None:
    outcome = run_fault(fault, project)
    execution = outcome.report["execution"]
    # THEN exactly one callback was accepted, with the expected status, and the run ended by itself
    assert outcome.accepted == [fault.expected], (outcome.callbacks, outcome.report["reason"])
    assert execution["error"] != "Greenlight.LocalDeadline" or fault.name == "workflow-aborted"
    if fault.expected == "Failed" and fault.name != "callback-already-completed":
        assert outcome.report["reason"], "a Failed verdict must say why"


def test_hook_invoked_twice_runs_one_execution(project: Project) -> None:
    outcome = run_fault(next(f for f in FAULTS if f.name == "hook-twice"), project)
    assert len(outcome.callbacks) == 1
    assert outcome.report["execution"]["status"] == "SUCCEEDED"


def test_the_documented_matrix_is_this_table() -> None:
    document = (ROOT / "docs" / "fault-matrix.md").read_text()
    assert markdown_table() in document, (
        "regenerate the table in docs/fault-matrix.md: python -m bench.fault_matrix --table"
    )
