"""Every AWS value greenlight code compares or sends is spelled as botocore's model spells it.

The review that found `GREEN` for `Green` is why this exists: a value written from memory or a note fails
here, on every machine, before it can fail every real deployment.
"""

from __future__ import annotations

from typing import get_args

from common.payload.models import Verdict
from common.runtime.outcomes import HookStatus
from greenlight.engine.conformance import operation_model, service_model
from greenlight.engine.executions import TERMINAL
from greenlight.engine.local_engine import SAFETY_NET_STATUSES
from greenlight.engine.project import Project
from prepare import discovery
from validate_health.checks import HEALTHY
from validate_metrics.alarms import ALARM_LISTS, ALARM_TYPES, IN_ALARM


def enum(service: str, shape: str) -> list[str]:
    return list(service_model(service).shape_for(shape).enum)


def test_codedeploy_values() -> None:
    assert {discovery.GREEN_LABEL, discovery.BLUE_LABEL} == set(enum("codedeploy", "TargetLabel"))
    assert discovery.RUNNING in enum("codedeploy", "LifecycleEventStatus")
    assert discovery.ECS_TARGET in enum("codedeploy", "DeploymentTargetType")
    assert discovery.ECS_PLATFORM in enum("codedeploy", "ComputePlatform")
    assert set(get_args(HookStatus)) == {v.value for v in Verdict}
    assert set(get_args(HookStatus)) <= set(enum("codedeploy", "LifecycleEventStatus"))


def test_elbv2_values() -> None:
    assert discovery.HTTPS in enum("elbv2", "ProtocolEnum")
    assert HEALTHY in enum("elbv2", "TargetHealthStateEnum")


def test_cloudwatch_values() -> None:
    assert IN_ALARM in enum("cloudwatch", "StateValue")
    assert set(ALARM_TYPES) == set(enum("cloudwatch", "AlarmType"))
    outputs = set(operation_model("cloudwatch", "DescribeAlarms").output_shape.members)
    assert set(ALARM_LISTS) == outputs - {"NextToken"}


def test_step_functions_values(project: Project) -> None:
    statuses = set(enum("stepfunctions", "ExecutionStatus"))
    assert statuses >= TERMINAL >= SAFETY_NET_STATUSES
    rule = project.resources["SafetyNetFunction"]["Properties"]["Events"]["WorkflowEndedWithoutVerdict"]
    assert set(rule["Properties"]["Pattern"]["detail"]["status"]) == SAFETY_NET_STATUSES
