"""Errors on AWS's side, as the SDK's standard retry mode knows them: the outage policy may allow only these."""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.retries.standard import ThrottledRetryableChecker, TransientRetryableChecker

from common.runtime.aws_errors import ON_AWS_SIDE_STATUS, SERVICE_FAULT_CODES, THROTTLING_CODES, on_aws_side
from greenlight.engine.guards.conformance import check_error
from tests.conftest import client_error


def test_the_codes_cover_what_botocore_retries_as_throttling_or_transient() -> None:
    assert set(ThrottledRetryableChecker._THROTTLED_ERROR_CODES) <= THROTTLING_CODES
    assert set(TransientRetryableChecker._TRANSIENT_ERROR_CODES) - {"PriorRequestNotComplete"} <= SERVICE_FAULT_CODES
    assert set(TransientRetryableChecker._TRANSIENT_STATUS_CODES) <= ON_AWS_SIDE_STATUS


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "ServiceUnavailable", "InternalFailure", "KmsThrottlingException"]
)
def test_start_execution_errors_on_aws_side(code: str) -> None:
    check_error("stepfunctions", "StartExecution", code)  # an answer StartExecution can give
    assert on_aws_side(client_error(code, "StartExecution"))


@pytest.mark.parametrize(
    "code",
    [
        "AccessDeniedException",
        "StateMachineDoesNotExist",
        "StateMachineDeleting",
        "InvalidArn",
        "InvalidExecutionInput",
        "ValidationException",
        "ExecutionLimitExceeded",
        "KmsAccessDeniedException",
    ],
)
def test_misconfigurations_and_limits_are_ours(code: str) -> None:
    check_error("stepfunctions", "StartExecution", code)
    assert not on_aws_side(client_error(code, "StartExecution"))


@pytest.mark.parametrize(
    "error",
    [
        ConnectTimeoutError(endpoint_url="https://states.us-east-1.amazonaws.com"),
        EndpointConnectionError(endpoint_url="https://states.us-east-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://states.us-east-1.amazonaws.com"),
    ],
)
def test_no_connection_is_on_aws_side(error: Exception) -> None:
    assert on_aws_side(error)


def test_a_bug_of_ours_is_not() -> None:
    assert not on_aws_side(ValueError("STATE_MACHINE_ARN is not set: the stack is misconfigured"))
