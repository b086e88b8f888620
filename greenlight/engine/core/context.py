"""What a running engine tells the moto patches: one settings object per engine, installed for its lifetime.

moto is process-wide, so the patches cannot be handed the engine that owns a call; they read `current()`,
the settings of the innermost engine running. An engine installs its own with `installed()` and removes
them on exit, so two engines, one after the other or one inside the other, never see each other's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from greenlight.engine.core.lifetime import LocalRun

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class EngineSettings:
    time_scale: float = 0.0  # Wait states and Retry intervals, the validators' waits, CloudWatch's delay
    timeout_scale: float = 1.0  # Task TimeoutSeconds (0.0 would time out every task, so separate)
    workflow_timeout_scale: float = 1.0  # the state machine's own TimeoutSeconds
    # Wait states and Retry intervals alone, when they must run otherwise (1.0: in real time, as on LocalStack)
    interpreter_time_scale: float | None = None
    # How long after its period ends CloudWatch has an ALB's data points (scaled by time_scale; patches/cloudwatch);
    # None: every data point at once, the period's end not awaited either (quick test runs).
    alb_metrics_delay_s: float | None = 60.0
    run: LocalRun = field(default_factory=LocalRun)  # the engine opens it (egress.open_run) and closes it on exit
    handlers: dict[str, Handler] = field(default_factory=dict)  # function name -> in-process handler
    # Fault injection: (service, operation in snake_case) -> error codes to answer, in order; and
    # function name -> a callable run before the handler (it may raise or hang).
    api_faults: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    function_faults: dict[str, Callable[[], None]] = field(default_factory=dict)
    invoke_faults_after: dict[str, Callable[[], None]] = field(default_factory=dict)  # run once the handler returned
    target_health: dict[str, Callable[[], list[dict[str, Any]]]] = field(default_factory=dict)  # target group ARN
    mock_config: dict[str, Any] = field(default_factory=dict)  # the MockConfigFile in use, if any
    # AWS AppConfig configurations (moto has no AppConfig Data): (application, environment, profile) -> (content,
    # version label); and each session's token -> its configuration (patches.appconfigdata).
    appconfig: dict[tuple[str, str, str], tuple[bytes, str]] = field(default_factory=dict)
    appconfig_sessions: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # IAM for the template's roles (patches/access): role ARN -> its trust policy, the principal it trusts locally
    # and its policies, rendered; a session's access key -> its role, session tags and session policy; what was denied.
    iam_roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    iam_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    iam_denied: list[str] = field(default_factory=list)

    def inject_api_faults(self, service: str, operation: str, *error_codes: str) -> None:
        """The next calls of `operation` (snake_case) are answered with these error codes, in order."""
        self.api_faults.setdefault((service, operation), []).extend(error_codes)


_INSTALLED: list[EngineSettings] = []
_LOCK = threading.Lock()


def current() -> EngineSettings | None:
    """The settings of the innermost running engine, or None outside any engine (moto's own behaviour applies)."""
    with _LOCK:
        return _INSTALLED[-1] if _INSTALLED else None


@contextmanager
def installed(settings: EngineSettings) -> Iterator[EngineSettings]:
    with _LOCK:
        _INSTALLED.append(settings)
    try:
        yield settings
    finally:
        with _LOCK:
            _INSTALLED.remove(settings)
