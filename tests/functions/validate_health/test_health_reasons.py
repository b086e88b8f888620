"""An unhealthy target's reason says what AWS's reason code means, for codes botocore's model has."""

from __future__ import annotations

import botocore.session

from validate_health.checks import REASON_MEANINGS, describe_target


def test_every_explained_code_is_one_elbv2_can_send() -> None:
    model = botocore.session.get_session().get_service_model("elbv2")
    assert set(REASON_MEANINGS) <= set(model.shape_for("TargetHealthReasonEnum").enum)


def test_a_target_the_load_balancer_cannot_connect_to_is_explained() -> None:
    target = {"target": "10.0.1.5:8081", "state": "unhealthy", "reason": "Target.FailedHealthChecks"}
    assert describe_target(target | {"description": "Health checks failed"}) == (
        "10.0.1.5:8081 (unhealthy: Target.FailedHealthChecks: the load balancer could not connect to it (connection "
        "refused, reset or timed out) or its answer was malformed: check that the service listens on the target "
        "group's port)"
    )


def test_a_code_without_an_explanation_gives_aws_description() -> None:
    target = {"target": "10.0.1.5:8080", "state": "unhealthy", "reason": "Target.ResponseCodeMismatch"}
    described = describe_target(target | {"description": "Health checks failed with these codes: [503]"})
    assert (
        described
        == "10.0.1.5:8080 (unhealthy: Target.ResponseCodeMismatch: Health checks failed with these codes: [503])"
    )
