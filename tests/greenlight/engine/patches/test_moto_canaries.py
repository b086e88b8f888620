"""Canaries: each moto internal the local engine patches still behaves as it did when measured (moto 5.2.5).

When one of these fails after a moto upgrade, the matching patch in greenlight/engine/patches/ must be
revisited: moto moved the code, or fixed the gap and the patch can go.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

import pytest
from moto.cloudwatch.models import Statistics
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import StateTaskService
from moto.stepfunctions.parser.mocking.mock_config import load_mock_test_case_for

from greenlight.engine.patches.originals import ORIGINALS, PINNED_MOTO


def test_moto_is_the_pinned_version() -> None:
    assert version("moto") == PINNED_MOTO


def test_lambda_invocation_still_needs_docker() -> None:
    assert "docker" in inspect.getsource(ORIGINALS["invoke_lambda"])


def test_codedeploy_still_lacks_targets_and_hook_callback() -> None:
    assert ORIGINALS["codedeploy_methods"] == set()


def test_ecs_still_lacks_service_deployments_revisions_and_continue() -> None:
    assert ORIGINALS["ecs_methods"] == set()


def test_wait_and_retry_still_sleep_where_the_patches_scale_them() -> None:
    assert "program_state_event.wait" in inspect.getsource(ORIGINALS["wait_interval"])
    assert ORIGINALS["retrier_time"].__name__ == "time"
    assert ORIGINALS["execute_state_threading"].__name__ == "threading"


def test_definite_index_path_still_returns_a_list() -> None:
    assert ORIGINALS["extract_json"]("$.results[0].ok", {"results": [{"ok": True}]}) == [True]


def test_aws_sdk_parameters_are_still_passed_through_unnormalised() -> None:
    assert ORIGINALS["aws_sdk_normalise_parameters"] is StateTaskService._normalise_parameters
    # ... and results too: the native API's member names (`stateMachines`), which patches/asl.py makes PascalCase
    assert ORIGINALS["aws_sdk_normalise_response"] is StateTaskService._normalise_response
    assert callable(StateTaskService._from_boto_response)  # moto's own reshaping, which the patch calls
    assert "codedeploy" not in ORIGINALS["aws_sdk_error_names"]
    assert "elasticloadbalancingv2" not in ORIGINALS["sfn_to_boto_names"]


def test_cloudwatch_still_has_no_percentile_statistics() -> None:
    statistics = Statistics(["p99"], None)  # type: ignore[arg-type]
    assert ORIGINALS["statistics"](statistics, "p99") is None


def test_cloudwatch_still_serves_every_data_point_the_moment_it_is_put() -> None:
    from datetime import UTC, datetime

    from moto.cloudwatch.models import CloudWatchBackend

    backend = CloudWatchBackend("us-east-1", "123456789012")
    datum = {"MetricName": "RequestCount", "Value": 1.0, "Timestamp": datetime.now(UTC)}
    backend.put_metric_data("AWS/ApplicationELB", [datum])
    assert [d.name for d in ORIGINALS["all_metrics"](backend)] == ["RequestCount"]


def test_target_health_is_still_always_healthy_upstream() -> None:
    assert "health_for" in inspect.getsource(ORIGINALS["describe_target_health"])


def test_mock_config_loader_is_still_a_stub() -> None:
    assert load_mock_test_case_for("any", "case") is None
    assert "mock_test_case" not in inspect.getsource(ORIGINALS["execution_worker"])


def test_workflow_timeout_is_still_a_thread_join() -> None:
    from moto.stepfunctions.parser.asl.component.program.program import Program

    assert "worker_thread.join(timeout=timeout)" in inspect.getsource(Program.eval)
    assert ORIGINALS["program_threading"].__name__ == "threading"


def test_an_execution_worker_still_makes_its_environment_on_its_own_thread() -> None:
    """patches.stepfunctions waits for it before a stop: a stop right after the start found none (AttributeError)."""
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    assert "self.env = self._get_evaluation_environment()" in inspect.getsource(ExecutionWorker._execution_logic)
    assert "self.env.set_stop(" in inspect.getsource(ExecutionWorker.stop)


def test_a_stop_waits_for_a_worker_that_has_not_set_up_yet() -> None:
    import threading
    from types import SimpleNamespace

    from greenlight.engine.patches import stepfunctions

    stopped: list[str] = []
    worker = SimpleNamespace(env=None, stop=lambda **kwargs: stopped.append(kwargs["error"]))
    execution = SimpleNamespace(exec_worker=worker, stop_date=None)
    threading.Timer(0.2, lambda: setattr(worker, "env", object())).start()
    original = ORIGINALS["execution_stop"]
    try:
        ORIGINALS["execution_stop"] = lambda self, *args: (
            self.exec_worker.stop(error=args[1]) if self.exec_worker.env else None
        )
        stepfunctions.stop_execution(execution, "now", "Operator", "stopped")  # type: ignore[arg-type]
    finally:
        ORIGINALS["execution_stop"] = original
    assert stopped == ["Operator"] and execution.stop_date == "now"


def test_responses_still_dispatch_through_call_action() -> None:
    assert "method_names_from_class" in inspect.getsource(ORIGINALS["call_action"])


def test_metric_math_is_still_only_an_id_lookup() -> None:
    result = {"id": "a", "values": [2.0], "timestamps": ["t"]}
    assert ORIGINALS["parse_expression"]("a / 2", [result]) == ([], [])
    assert ORIGINALS["parse_expression"]("a", [result]) == ([2.0], ["t"])


def test_stopping_an_execution_still_leaves_its_stop_date_to_the_worker() -> None:
    source = inspect.getsource(ORIGINALS["execution_stop"])
    assert "exec_worker.stop(" in source and "self.stop_date" not in source


def test_catch_all_still_catches_every_error() -> None:
    source = inspect.getsource(ORIGINALS["error_equals"])
    assert "if ErrorEqualsDecl._STATE_ALL_ERROR in self.error_names:\n            res = True" in source


def test_fail_state_cause_is_still_uncapped() -> None:
    source = inspect.getsource(ORIGINALS["fail_state"])
    assert "cause_value = env.stack.pop()" in source and "32768" not in source


def test_a_choice_matching_nothing_still_raises_a_plain_runtime_error() -> None:
    source = inspect.getsource(ORIGINALS["choice_state"])
    assert 'raise RuntimeError("No branching option reached in state %s", self.name)' in source


def test_a_parallel_still_refuses_a_branch_error_named_states() -> None:
    with pytest.raises(ValueError, match=r"MUST NOT begin with the prefix 'States\.'"):
        ORIGINALS["branch_error_name"]("States.DataLimitExceeded")


def test_a_fail_state_is_still_recorded_as_a_task_failure() -> None:
    """Why KNOWN_MOTO_DEVIATIONS tolerates TaskFailed events without a resource: moto records a Fail state so."""
    from greenlight.engine.guards.conformance import KNOWN_MOTO_DEVIATIONS

    assert "event_type=HistoryEventType.TaskFailed" in inspect.getsource(ORIGINALS["fail_state"])
    assert list(KNOWN_MOTO_DEVIATIONS) == [("stepfunctions", "GetExecutionHistory")]


def test_an_execution_still_cannot_start_through_an_alias() -> None:
    """The local engine resolves the state machine's alias to the state machine itself (local_engine._deploy)."""
    from moto.stepfunctions.models import StepFunctionBackend

    source = inspect.getsource(StepFunctionBackend.describe_state_machine)
    assert "isnumeric" in source and "aliases" not in source  # versions only, never an alias ARN


def test_ssm_history_still_names_no_writer() -> None:
    assert '"LastModifiedUser"] = "N/A"' in inspect.getsource(ORIGINALS["ssm_describe"])


def test_sts_still_keeps_no_session_tags_and_iam_is_still_unenforced() -> None:
    """patches/access enforces the template's roles' IAM: moto neither keeps the tags AssumeRole passes nor checks a
    trust or session policy."""
    from moto.sts.models import STSBackend

    assert "tags" not in inspect.signature(STSBackend.assume_role).parameters
    assert "policy" in inspect.signature(STSBackend.assume_role).parameters


def test_moto_still_tells_nobody_when_an_execution_records_an_event_or_ends() -> None:
    # patches/progress wakes who follows an execution; the day moto notifies by itself, the patch can go
    assert "_publish_history_event" in inspect.getsource(ORIGINALS["add_event"])
    assert "notify" not in inspect.getsource(ORIGINALS["add_event"])
    assert "_reflect_execution_status" in inspect.getsource(ORIGINALS["terminated"])
