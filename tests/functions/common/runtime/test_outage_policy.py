"""The outage policy, decided in one place (common.runtime.outage) for the CodeDeploy hook, the ECS Lambda hook and
the ECS pause hook: only `allow`, and only an error on AWS's side, lets a deployment through."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import EndpointConnectionError

from common.runtime import outage
from tests.conftest import client_error

THROTTLED = client_error("ThrottlingException", "StartExecution")
DENIED = client_error("AccessDeniedException", "StartExecution")
NO_CONNECTION = EndpointConnectionError(endpoint_url="https://states.us-east-1.amazonaws.com")


@pytest.mark.parametrize(
    ("policy", "error", "allowed"),
    [
        ("allow", THROTTLED, True),
        ("allow", NO_CONNECTION, True),
        ("allow", DENIED, False),  # a misconfiguration is never an outage
        ("allow", ValueError("STATE_MACHINE_ARN is not set"), False),
        ("fail", THROTTLED, False),
        ("fail", DENIED, False),
    ],
)
def test_only_allow_and_only_on_aws_side_lets_a_deployment_through(
    policy: str, error: Exception, allowed: bool
) -> None:
    assert outage.allows(policy, error) is allowed


def test_an_unknown_policy_is_logged_and_fails(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        assert outage.allows("Allow", THROTTLED) is False
    assert "Unknown OUTAGE_POLICY" in caplog.text


def test_the_outcome_names_what_the_policy_decided_and_whether_the_answer_was_taken() -> None:
    assert outage.hook_outcome(True, "reported") == "outage-allowed:reported"
    assert outage.hook_outcome(False, "already-completed") == "start-failed:already-completed"
    assert outage.problem(THROTTLED).startswith("ClientError: An error occurred (ThrottlingException)")
