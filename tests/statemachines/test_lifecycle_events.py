"""The real workflow at the lifecycle events before test traffic: what can run there runs, nothing else."""

from __future__ import annotations

import pytest

from greenlight.cli.sample_service import GOOD, SampleService
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from tests.support.quick_config import QUICK_RUN, quick_config

pytestmark = pytest.mark.engine


def run_at(project: Project, event: str, config_text: str) -> tuple[str, dict[str, str], list[str]]:
    with SampleService(GOOD) as service:
        options = LocalRunOptions(target_url=service.url, config_text=config_text, **QUICK_RUN, lifecycle_event=event)
        report = run_local(options, project)
    accepted = [c.status for c in report.callbacks if c.accepted]
    return report.reason, {v.name: v.status for v in report.validations}, accepted


def test_before_install_with_nothing_planned_succeeds_instead_of_failing_discovery(project: Project) -> None:
    reason, statuses, accepted = run_at(project, "BeforeInstall", quick_config())
    assert accepted == ["Succeeded"]
    assert set(statuses.values()) == {"skipped"}
    assert reason == "No validation was planned for this lifecycle event."


def test_after_install_checks_the_green_target_groups_health_alone(project: Project) -> None:
    text = quick_config(health={"lifecycle_events": ["AfterInstall"], "check_http": False})
    _, statuses, accepted = run_at(project, "AfterInstall", text)
    assert accepted == ["Succeeded"]
    assert set(statuses.values()) == {"passed", "skipped"}  # a validation added later is skipped here too
    assert {name: statuses[name] for name in ("health", "synthetic", "metrics")} == {
        "health": "passed",
        "synthetic": "skipped",
        "metrics": "skipped",
    }
