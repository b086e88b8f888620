"""What a callback or a hook invocation came to: closed sets of values, free of pydantic (the hook's cold start)."""

from __future__ import annotations

from typing import Literal

# The status CodeDeploy takes for a lifecycle hook (its LifecycleEventStatus values a hook may report).
HookStatus = Literal["Succeeded", "Failed"]
# What the CodeDeploy callback came to: delivered, or refused because a verdict was already in.
CallbackOutcome = Literal["reported", "already-completed"]
# What one hook invocation did.
HookOutcome = Literal[
    "started",
    "already-started",
    "ignored",
    "start-failed:reported",
    "start-failed:already-completed",
    "outage-allowed:reported",
    "outage-allowed:already-completed",
    "not-gated",  # a pause hook greenlight does not answer (not opted in, or not told apart from another's)
]
START_FAILED: dict[CallbackOutcome, HookOutcome] = {
    "reported": "start-failed:reported",
    "already-completed": "start-failed:already-completed",
}
OUTAGE_ALLOWED: dict[CallbackOutcome, HookOutcome] = {
    "reported": "outage-allowed:reported",
    "already-completed": "outage-allowed:already-completed",
}
# What the hook does when it cannot start the workflow for reasons on AWS's side: the stack's OutagePolicy values.
OUTAGE_POLICIES = ("fail", "allow")
# Which part of greenlight delivered a verdict to CodeDeploy (and announced it).
DecidedBy = Literal["finalize", "hook", "safety-net"]
