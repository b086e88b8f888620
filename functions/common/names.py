"""The execution name of a hook execution, shared by both hooks (free of pydantic: the hooks' cold start)."""

from __future__ import annotations

import hashlib


def execution_name(lifecycle_event_hook_execution_id: str) -> str:
    """Execution names forbid characters the opaque hook id may hold, so use its digest."""
    return "greenlight-" + hashlib.sha256(lifecycle_event_hook_execution_id.encode()).hexdigest()[:64]
