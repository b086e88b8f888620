"""Prepare's discovery and config loading, on moto plus the local stand-in (for the CodeDeploy APIs moto lacks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto.backends import get_backend

from common.config import VALIDATIONS
from common.payload.models import HookRequest
from greenlight.engine.patches.codedeploy import stand_in
from greenlight.engine.standin import ACCOUNT, APPLICATION, DEPLOYMENT_GROUP, REGION, LocalDeployment, create_deployment
from prepare.app import TransientError, prepare
from prepare.discovery import discover
from tests.support.aws import local_aws
from tests.support.stubs import stubbed

PREFIX = "/greenlight"


@pytest.fixture
def aws() -> Iterator[tuple[dict[str, Any], LocalDeployment]]:
    with local_aws() as clients:
        deployment = create_deployment(clients, "http://127.0.0.1:9", "/health")
        try:
            yield clients, deployment
        finally:
            deployment.listener.close()


def ecs_target(deployment: LocalDeployment) -> dict[str, Any]:
    return stand_in(get_backend("codedeploy")[ACCOUNT][REGION]).targets[deployment.deployment_id]


def run_prepare(clients: dict[str, Any], deployment: LocalDeployment) -> dict[str, Any]:
    request = HookRequest(deployment_id=deployment.deployment_id, lifecycle_event_hook_execution_id="hook-1")
    return prepare(request, clients["codedeploy"], clients["elbv2"], clients["ssm"], PREFIX).model_dump(mode="json")


def test_discovers_green_blue_and_the_test_listener_url(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    found = discover(clients["codedeploy"], clients["elbv2"], deployment.deployment_id)
    assert (found.application_name, found.deployment_group_name) == (APPLICATION, DEPLOYMENT_GROUP)
    assert found.green.name == "sample-service-green" and found.blue and found.blue.name == "sample-service-blue"
    assert found.green.arn == deployment.green_target_group_arn
    assert found.green.dimension.startswith("targetgroup/sample-service-green/")
    assert found.green.load_balancer_dimension.startswith("app/greenlight-local/")
    assert found.test_url == f"http://127.0.0.1:{deployment.listener.port}"
    assert found.lifecycle_event == "AfterAllowTestTraffic"


def test_plan_carries_the_defaults_when_no_parameter_exists(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    result = run_prepare(*aws)
    assert result["ready"] is True and result["problem"] is None
    assert result["plan"]["config_source"] == ["defaults"]
    assert set(result["plan"]["planned"]) == set(VALIDATIONS)  # every registered validation, planned by default
    assert all(result["plan"]["planned"].values())


def test_ssm_layers_override_the_defaults(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    clients["ssm"].put_parameter(
        Name=f"{PREFIX}/default", Value="health: {path: /ready}\nfail_fast: true", Type="String"
    )
    clients["ssm"].put_parameter(
        Name=f"{PREFIX}/{APPLICATION}/{DEPLOYMENT_GROUP}",
        Value='{"health": {"consecutive_successes": 5}}',
        Type="String",
    )
    plan = run_prepare(clients, deployment)["plan"]
    assert plan["config"]["health"]["path"] == "/ready"
    assert plan["config"]["health"]["consecutive_successes"] == 5
    assert plan["config"]["fail_fast"] is True
    assert plan["config_source"] == [
        "defaults",
        f"ssm:{PREFIX}/default",
        f"ssm:{PREFIX}/{APPLICATION}/{DEPLOYMENT_GROUP}",
    ]


def test_invalid_config_is_not_ready_with_the_field_named(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    clients["ssm"].put_parameter(
        Name=f"{PREFIX}/{APPLICATION}/{DEPLOYMENT_GROUP}", Value="health: {consecutive_successes: 0}", Type="String"
    )
    result = run_prepare(clients, deployment)
    assert result["ready"] is False
    [problem] = result["results"]
    assert problem["name"] == "prepare" and problem["status"] == "error"
    assert "health.consecutive_successes" in problem["reason"]


def test_validations_not_planned_for_another_lifecycle_event(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    ecs_target(deployment)["lifecycleEvents"] = [{"lifecycleEventName": "AfterAllowTraffic", "status": "InProgress"}]
    clients["ssm"].put_parameter(
        Name=f"{PREFIX}/default", Value="metrics: {lifecycle_events: [AfterAllowTraffic]}", Type="String"
    )
    plan = run_prepare(clients, deployment)["plan"]
    assert plan["lifecycle_event"] == "AfterAllowTraffic"
    assert {name: plan["planned"][name] for name in ("health", "synthetic", "metrics")} == {
        "health": False,
        "synthetic": False,
        "metrics": True,
    }
    assert plan["test_url"].endswith(":80")  # AfterAllowTraffic tests through the production listener


def test_no_green_task_set_is_not_ready(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, deployment = aws
    target = ecs_target(deployment)
    target["taskSetsInfo"] = [t for t in target["taskSetsInfo"] if t["taskSetLabel"] != "Green"]
    result = run_prepare(clients, deployment)
    assert result["ready"] is False
    assert "has no GREEN task set" in result["results"][0]["reason"]


def test_unknown_deployment_is_not_ready_with_aws_reason(aws: tuple[dict[str, Any], LocalDeployment]) -> None:
    clients, _ = aws
    request = HookRequest(deployment_id="d-UNKNOWN", lifecycle_event_hook_execution_id="hook-1")
    result = prepare(request, clients["codedeploy"], clients["elbv2"], clients["ssm"], PREFIX).model_dump(mode="json")
    assert result["ready"] is False
    assert "AWS refused a discovery call" in result["results"][0]["reason"]


@pytest.mark.parametrize(
    ("code", "status"), [("ThrottlingException", 400), ("ServiceUnavailable", 503), ("InternalFailure", 500)]
)
def test_an_error_on_aws_side_is_raised_for_the_state_machine_to_retry(code: str, status: int) -> None:
    """What is on AWS's side is what the hooks' outage policy reads (common.runtime.aws_errors), one list."""
    request = HookRequest(deployment_id="d-1", lifecycle_event_hook_execution_id="hook-1")
    with stubbed("codedeploy") as (codedeploy, stubber):
        stubber.add_client_error("get_deployment", code, http_status_code=status)
        with pytest.raises(TransientError):
            prepare(request, codedeploy, None, None, PREFIX)


def test_access_denied_is_not_ready_rather_than_retried() -> None:
    request = HookRequest(deployment_id="d-1", lifecycle_event_hook_execution_id="hook-1")
    with stubbed("codedeploy") as (codedeploy, stubber):
        stubber.add_client_error("get_deployment", "AccessDeniedException")
        result = prepare(request, codedeploy, None, None, PREFIX)
    assert result.ready is False
    assert "AWS refused a discovery call" in result.results[0].reason


def test_an_application_named_shared_is_refused_saying_why_before_its_layer_is_read() -> None:
    """Its layer, /greenlight/shared/<group>, is a name in the shared secret namespace, which Prepare's role may not
    read (AWS would answer AccessDenied) and which the platform's layer may send as a header: never a config."""
    with local_aws() as clients:
        deployment = create_deployment(clients, "http://127.0.0.1:9", "/health", application="shared")
        try:
            clients["ssm"].put_parameter(Name=f"{PREFIX}/shared/{DEPLOYMENT_GROUP}", Value="{}", Type="String")
            result = run_prepare(clients, deployment)
        finally:
            deployment.listener.close()
    assert result["ready"] is False
    [problem] = result["results"]
    layer = f"{PREFIX}/shared/{DEPLOYMENT_GROUP}"
    assert f"the config layer {layer} of shared/{DEPLOYMENT_GROUP} is in the shared " in problem["reason"]
