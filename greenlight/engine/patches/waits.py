"""Time in the interpreter, scaled: Wait states and Retry intervals by `time_scale` (by `interpreter_time_scale`
when set), Task timeouts by `timeout_scale`, the workflow's own TimeoutSeconds by `workflow_timeout_scale` (moto
really sleeps)."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.program import program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function

from greenlight.engine.core import context
from greenlight.engine.patches.originals import PatchList


def _scale(name: str) -> float:
    engine = context.current()
    return float(getattr(engine, name)) if engine else 1.0


def _interpreter_scale() -> float:
    engine = context.current()
    if engine is not None and engine.interpreter_time_scale is not None:
        return engine.interpreter_time_scale
    return _scale("time_scale")


def scaled_sleep(seconds: float) -> None:
    scale = _interpreter_scale()
    if seconds > 0 and scale > 0:
        time.sleep(seconds * scale)


def wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
    scale = _interpreter_scale()
    if wait_seconds > 0 and scale > 0:
        env.program_state_event.wait(wait_seconds * scale)


class ScaledEvent(threading.Event):
    """A Task's TimeoutSeconds is a wait on this event."""

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(None if timeout is None else timeout * _scale("timeout_scale"))


class ScaledJoinThread(threading.Thread):
    """The workflow's own TimeoutSeconds is a join on the interpreter thread."""

    def join(self, timeout: float | None = None) -> None:
        super().join(None if timeout is None else timeout * _scale("workflow_timeout_scale"))


PATCHES: PatchList = [
    (wait_function.WaitFunction, "_wait_interval", wait_interval),
    (retrier_decl, "time", SimpleNamespace(sleep=scaled_sleep)),
    (execute_state, "threading", SimpleNamespace(Event=ScaledEvent)),
    (program, "threading", SimpleNamespace(Thread=ScaledJoinThread)),
]
