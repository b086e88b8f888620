"""`--ecs-hook pause`: the same workflow through an ECS pause hook. The done-when of the pause hooks: the verdicts and
exit codes of the Lambda-hook path for every kind of service, exactly one ContinueServiceDeployment per run with the
matching action, each LINEAR step its own hook; and the fault rows: at most one answer ECS takes, the right one."""

from __future__ import annotations

import io

import pytest

from greenlight.cli.errors import exit_code
from greenlight.cli.render import render
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from tests.conftest import ROOT
from tests.statemachines.test_ecs_controller import SERVICES, outcomes, run, service
from tests.support.ecs_pause_faults import PAUSE_FAULTS, PauseFault, pause_markdown_table, run_pause_fault
from tests.support.quick_config import TIME_SCALE, quick_config

pytestmark = [pytest.mark.engine, pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")]

MOTO_STOP_NOISE = pytest.mark.filterwarnings(
    "ignore:Exception in thread BranchWorker:pytest.PytestUnhandledThreadExceptionWarning"
)


def run_pause(project: Project, kind: str, **options: object) -> tuple[object, object]:
    with service(kind) as (url, behaviour):
        given = LocalRunOptions(
            target_url=url, config_text=quick_config(), time_scale=TIME_SCALE, deadline_s=60.0, controller="ecs",
            ecs_hook="pause",
        )  # fmt: skip
        for key, value in options.items():
            setattr(given, key, value)
        return run_local(given, project), behaviour


@pytest.mark.parametrize("kind", list(SERVICES))
def test_a_pause_hook_gives_the_verdict_the_lambda_hook_gives(project: Project, kind: str) -> None:
    lambda_hook, _ = run(project, kind, "ecs")
    pause, _ = run_pause(project, kind)
    expected = "Succeeded" if kind == "healthy" else "Failed"
    assert (lambda_hook.verdict, pause.verdict) == (expected, expected), (lambda_hook.reason, pause.reason)  # type: ignore[attr-defined]
    assert exit_code(pause) == exit_code(lambda_hook)  # type: ignore[arg-type]
    same, left = outcomes(pause), outcomes(lambda_hook)  # type: ignore[arg-type]
    if {same.get("metrics"), left.get("metrics")} == {"failed", "inconclusive"}:  # CloudWatch's delay, as there
        same, left = same | {"metrics": "not compared"}, left | {"metrics": "not compared"}
    assert same == left
    # ... exactly one ContinueServiceDeployment, taken, with the verdict's action; the hook ended by it
    action = "CONTINUE" if kind == "healthy" else "ROLLBACK"
    assert [(c.action, c.accepted) for c in pause.continue_calls] == [(action, True)]  # type: ignore[attr-defined]
    assert pause.hook_status == ("SUCCEEDED" if kind == "healthy" else "FAILED")  # type: ignore[attr-defined]
    assert pause.pause_outcomes == ["started"] and pause.hook_answers == []  # type: ignore[attr-defined]
    assert pause.report.pause_answer.action == action and pause.report.callback == "reported"  # type: ignore[attr-defined]
    assert pause.execution.status == "SUCCEEDED" and pause.callbacks == []  # type: ignore[attr-defined]
    [announced] = [e for e in pause.events if e["detail-type"] == "Greenlight Verdict"]  # type: ignore[attr-defined]
    assert announced["detail"]["engine"] == "ecs" and announced["detail"]["decided_by"] == "finalize"


def test_the_end_says_what_ecs_was_told(project: Project) -> None:
    result, _ = run_pause(project, "failing")
    text = io.StringIO()
    render(result, text)  # type: ignore[arg-type]
    assert "greenlight told ECS: ROLLBACK; the pause hook at POST_TEST_TRAFFIC_SHIFT ended FAILED" in text.getvalue()


def test_each_linear_step_pauses_with_its_own_hook_and_is_judged_by_its_own_workflow(project: Project) -> None:
    result, _ = run_pause(project, "healthy", stage="PRE_PRODUCTION_TRAFFIC_SHIFT", strategy="LINEAR")
    calls = result.continue_calls  # type: ignore[attr-defined]
    # the guide: a pause hook at PRE_PRODUCTION_TRAFFIC_SHIFT pauses before each step, with a new hookId each time
    assert [(c.step, c.action, c.accepted) for c in calls] == [(1, "CONTINUE", True), (2, "CONTINUE", True)]
    assert len({c.hook_id for c in calls}) == 2 and result.pause_outcomes == ["started", "started"]  # type: ignore[attr-defined]
    assert result.verdict == "Succeeded" and result.hook_status == "SUCCEEDED"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "fault",
    [pytest.param(f, id=f.name, marks=[MOTO_STOP_NOISE] if "aborted" in f.name else []) for f in PAUSE_FAULTS],
)
def test_at_most_one_continue_service_deployment_is_taken(project: Project, fault: PauseFault) -> None:
    outcome = run_pause_fault(fault, project)
    result = outcome.result
    taken = [c.action for c in result.continue_calls if c.accepted]
    refused = [c for c in result.continue_calls if not c.accepted]
    # THEN ECS took at most one answer, the expected one; what it refused was recorded once, never retried
    assert taken == ([fault.taken] if fault.taken else []), result.continue_calls
    assert len(refused) == fault.refused, result.continue_calls
    assert result.hook_status == fault.hook_status
    assert result.verdict == ("Succeeded" if fault.hook_status == "SUCCEEDED" else "Failed"), result.reason
    # ... the fault was really hit
    assert fault.evidence in result.model_dump_json(), (result.reason, result.pause_outcomes)
    if fault.executions is not None:
        assert outcome.seen.get("executions") == fault.executions, outcome.seen
    if "faults" in outcome.seen:
        assert outcome.seen["faults"] == [], "the injected faults were not all answered"
    # ... and exactly one Greenlight Verdict (or Outage Allowed) for an answer of greenlight's ECS took, none otherwise
    announced = [e for e in result.events if e["detail-type"] in ("Greenlight Verdict", "Greenlight Outage Allowed")]
    assert len(announced) == (1 if fault.taken and fault.announced else 0), announced


def test_the_documented_matrix_has_the_pause_rows() -> None:
    document = (ROOT / "docs" / "fault-matrix.md").read_text()
    assert pause_markdown_table() in document, (
        "regenerate docs/fault-matrix.md's pause hook table: python -m bench.fault_matrix --table"
    )
