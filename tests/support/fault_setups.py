"""What a fault of the matrix (tests/support/faults.py) does before the run: a function of the stack broken (it
raises or hangs), API faults injected, a config stored in SSM, a GREEN task set gone, callbacks failing, a verdict
already reported by someone else."""

from __future__ import annotations

import time
from collections.abc import Callable

from greenlight.engine import LocalEngine
from greenlight.engine.standins.codedeploy import APPLICATION, DEPLOYMENT_GROUP, LocalDeployment

Setup = Callable[[LocalEngine, LocalDeployment], None]


def raises(message: str) -> Callable[[], None]:
    def fault() -> None:
        raise RuntimeError(message)

    return fault


def hangs(seconds: float) -> Callable[[], None]:
    return lambda: time.sleep(seconds)


def broken(logical_id: str, fault: Callable[[], None]) -> Setup:
    return lambda engine, deployment: engine.break_function(logical_id, fault)


def api_faults(service: str, operation: str, *codes: str) -> Setup:
    return lambda engine, deployment: engine.inject_api_faults(service, operation, *codes)


def stored_config(text: str) -> Setup:
    def store(engine: LocalEngine, deployment: LocalDeployment) -> None:
        name = f"/greenlight/{APPLICATION}/{DEPLOYMENT_GROUP}"
        engine.clients["ssm"].put_parameter(Name=name, Value=text, Type="String", Overwrite=True)

    return store


def no_green_task_set(engine: LocalEngine, deployment: LocalDeployment) -> None:
    target = deployment.ecs_target()
    target["taskSetsInfo"] = [t for t in target["taskSetsInfo"] if t["taskSetLabel"] != "Green"]


def finalize_crashes_and_report_failed_is_throttled(engine: LocalEngine, deployment: LocalDeployment) -> None:
    engine.break_function("FinalizeFunction", raises("finalize crashed"))
    deployment.fail_callbacks("ThrottlingException")


def verdict_already_in(engine: LocalEngine, deployment: LocalDeployment) -> None:
    """Someone (a person stopping the deployment, another run) reported before greenlight did."""
    engine.clients["codedeploy"].put_lifecycle_event_hook_execution_status(
        deploymentId=deployment.deployment_id,
        lifecycleEventHookExecutionId=deployment.hook_execution_id,
        status="Failed",
    )
