"""The conformance check: what AWS could not send is refused, naming the member and the rule it breaks."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from greenlight.engine.guards.conformance import (
    ConformingStubber,
    NonConformingResponseError,
    check,
    check_error,
    problems,
)


def ecs_target(**task_set: Any) -> dict[str, Any]:
    green = {"identifer": "ecs-svc/1", "taskSetLabel": "Green", "targetGroup": {"name": "tg-green"}} | task_set
    return {"deploymentTarget": {"deploymentTargetType": "ECSTarget", "ecsTarget": {"taskSetsInfo": [green]}}}


def test_an_aws_shaped_response_passes() -> None:
    assert check("codedeploy", "GetDeploymentTarget", ecs_target()) == ecs_target()


def test_a_wrong_enum_value_is_refused() -> None:
    with pytest.raises(NonConformingResponseError, match=r"taskSetLabel: 'GREEN' is not one of TargetLabel's values"):
        check("codedeploy", "GetDeploymentTarget", ecs_target(taskSetLabel="GREEN"))


def test_an_unknown_member_is_refused() -> None:
    response = ecs_target()
    response["deploymentTarget"]["ecsTarget"]["deploymentTargetId"] = "x"
    with pytest.raises(NonConformingResponseError, match=r'Unknown parameter in .*ecsTarget: "deploymentTargetId"'):
        check("codedeploy", "get_deployment_target", response)


def test_a_missing_required_member_is_refused() -> None:
    response = {"TargetHealthDescriptions": [{"Target": {"Port": 80}, "TargetHealth": {"State": "healthy"}}]}
    with pytest.raises(NonConformingResponseError, match=r'Missing required parameter in .*Target: "Id"'):
        check("elbv2", "DescribeTargetHealth", response)


def test_a_wrong_type_and_a_boolean_count_are_refused() -> None:
    found = problems("codedeploy", "GetDeploymentTarget", ecs_target(desiredCount=True, trafficWeight="100"))
    assert any("desiredCount: True is a boolean" in p for p in found)
    assert any("trafficWeight" in p and "invalid type" in p.lower() for p in found)


def test_enum_values_are_checked_inside_maps_and_lists() -> None:
    response = {"MetricDataResults": [{"Id": "a", "StatusCode": "Done"}]}
    assert problems("cloudwatch", "GetMetricData", response) == [
        "GetMetricData.MetricDataResults[0].StatusCode: 'Done' is not one of StatusCode's values "
        "['Complete', 'InternalError', 'PartialData', 'Forbidden']"
    ]


def test_aws_answers_may_break_the_length_minimums_callers_must_meet() -> None:
    assert problems("ssm", "GetParameters", {"Parameters": [], "InvalidParameters": []}) == []


def test_an_error_the_operation_never_answers_is_refused() -> None:
    assert check_error("codedeploy", "GetDeployment", "DeploymentDoesNotExistException")
    assert check_error("codedeploy", "PutLifecycleEventHookExecutionStatus", "ThrottlingException")
    with pytest.raises(NonConformingResponseError, match="never answers ExecutionAlreadyExists"):
        check_error("codedeploy", "GetDeployment", "ExecutionAlreadyExists")


def test_the_stubber_refuses_what_botocore_would_let_through() -> None:
    client = boto3.client("codedeploy", region_name="us-east-1")
    stubber = ConformingStubber(client)
    with pytest.raises(NonConformingResponseError, match="GREEN"):
        stubber.add_response("get_deployment_target", ecs_target(taskSetLabel="GREEN"))
    with pytest.raises(NonConformingResponseError):
        stubber.add_client_error("get_deployment", "NoSuchThingException")
    stubber.add_client_error("get_deployment", "DeploymentDoesNotExistException")
    with stubber, pytest.raises(ClientError, match="DeploymentDoesNotExistException"):
        client.get_deployment(deploymentId="d-1")
