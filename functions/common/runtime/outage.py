"""The stack's outage policy, decided in one place for the three front doors that start the workflow.

When the validation workflow cannot start, `fail` (the default) stops the deployment and `allow` lets it through,
but only when the start failed on AWS's side after the SDK's retries (throttling, a service fault, no connection,
common.runtime.aws_errors): a misconfiguration (AccessDenied, a missing state machine) always stops it. Free of
pydantic: the hooks import it on their cold start.
"""

from __future__ import annotations

from common.runtime.aws_errors import on_aws_side
from common.runtime.observability import logger
from common.runtime.outcomes import OUTAGE_ALLOWED, OUTAGE_POLICIES, START_FAILED, CallbackOutcome, HookOutcome


def allows(policy: str, error: BaseException) -> bool:
    """Whether `policy` lets the deployment through when starting the workflow failed with `error`; a policy that
    is not one of OUTAGE_POLICIES is logged and treated as `fail`."""
    if policy not in OUTAGE_POLICIES:
        logger.error("Unknown OUTAGE_POLICY; treated as fail", extra={"outage_policy": policy})
    return policy == "allow" and on_aws_side(error)


def problem(error: BaseException) -> str:
    """The failed start as the announcements and answers name it."""
    return f"{type(error).__name__}: {error}"


def hook_outcome(allowed: bool, callback: CallbackOutcome) -> HookOutcome:
    """What the invocation came to, once the deployment engine took (or had already taken) the answer."""
    return (OUTAGE_ALLOWED if allowed else START_FAILED)[callback]
