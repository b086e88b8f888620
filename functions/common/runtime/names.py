"""The execution name of a hook execution and its ARN, shared by the hooks (free of pydantic: the hooks' cold start)."""

from __future__ import annotations

import hashlib


def execution_name(lifecycle_event_hook_execution_id: str) -> str:
    """Execution names forbid characters the opaque hook id may hold, so use its digest."""
    return "greenlight-" + hashlib.sha256(lifecycle_event_hook_execution_id.encode()).hexdigest()[:64]


def execution_arn(state_machine_arn: str, name: str) -> str:
    """arn:...:stateMachine:<name>[:<alias or version>] -> arn:...:execution:<name>:<execution name>.

    An execution started through an alias or a version is named after the state machine itself.
    """
    parts = state_machine_arn.split(":")
    if len(parts) < 7 or parts[5] != "stateMachine":
        raise ValueError(f"STATE_MACHINE_ARN {state_machine_arn!r} is not a state machine ARN")
    return ":".join([*parts[:5], "execution", parts[6], name])
