"""Each engine owns its settings: what one engine injects is never seen by another."""

from __future__ import annotations

import pytest

from greenlight.engine import LocalEngine
from greenlight.engine.core import context
from greenlight.engine.core.context import EngineSettings, installed
from greenlight.project import Project
from tests.conftest import ROOT

pytestmark = pytest.mark.engine

MOCK_CONFIG = ROOT / "tests" / "MockConfigFile.json"


def test_the_innermost_installed_settings_are_current_and_each_goes_with_its_owner() -> None:
    outer, inner = EngineSettings(time_scale=0.5), EngineSettings(time_scale=0.1)
    assert context.current() is None
    with installed(outer):
        with installed(inner):
            assert context.current() is inner
        assert context.current() is outer
    assert context.current() is None


def test_faults_of_one_engine_never_reach_the_next(project: Project) -> None:
    # GIVEN an engine whose StartExecution and Finalize are broken, never exercised
    with LocalEngine(project) as first:
        first.inject_api_faults("stepfunctions", "start_execution", "ThrottlingException")
        first.break_function("FinalizeFunction", lambda: None)
        assert context.current() is first.settings
    assert context.current() is None
    # WHEN another engine runs a workflow
    with LocalEngine(project) as second:
        assert second.settings.api_faults == {} and second.settings.function_faults == {}
        second.use_mock_config(MOCK_CONFIG)
        run = second.wait(second.start_as_hook("d-MOCK12345", "hook-settings", "HappyPath"), deadline_s=30)
    # THEN it starts and succeeds: the first engine's faults went with it
    assert run.status == "SUCCEEDED"
    assert first.settings.api_faults == {("stepfunctions", "start_execution"): ["ThrottlingException"]}


def test_the_interpreter_can_keep_real_time_while_the_rest_of_the_engine_is_scaled() -> None:
    from greenlight.engine.patches import waits

    # GIVEN settings made as the engine makes them (positionally), then the interpreter's own scale set
    engine_settings = EngineSettings(0.05, 0.5, 0.25)
    assert (engine_settings.timeout_scale, engine_settings.workflow_timeout_scale) == (0.5, 0.25)
    with installed(engine_settings):
        # THEN Wait states and Retry intervals follow time_scale until interpreter_time_scale says otherwise
        assert waits._interpreter_scale() == 0.05
        engine_settings.interpreter_time_scale = 1.0
        assert waits._interpreter_scale() == 1.0
        assert engine_settings.time_scale == 0.05  # the validators' waits and CloudWatch's delay keep theirs
