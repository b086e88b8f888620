"""An execution's progress, as it happens: each history event moto adds, and each execution's end, wake whoever
follows an execution (greenlight.engine.run.executions), so following one costs nothing while it waits.

moto records history events (`EventManager.add_event`) and an execution's end (`terminated`, after its last event)
on its own threads and tells nobody; without this, following an execution means polling it.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

from greenlight.engine.patches.originals import ORIGINALS, PatchList
from greenlight.engine.patches.stepfunctions import output_as_json

_CHANGED = threading.Condition()
_changes = [0]  # how many events and ends so far, in every execution of the process


def changes() -> int:
    with _CHANGED:
        return _changes[0]


def wait_for_change(seen: int, timeout_s: float) -> int:
    """Sleep until something happened after `seen` (a value of changes()) or the timeout passed; changes() then."""
    with _CHANGED:
        _CHANGED.wait_for(lambda: _changes[0] != seen, max(timeout_s, 0.0))
        return _changes[0]


def _changed() -> None:
    with _CHANGED:
        _changes[0] += 1
        _CHANGED.notify_all()


def add_event(self: EventManager, *args: Any, **kwargs: Any) -> int:
    event_id: int = ORIGINALS["add_event"](self, *args, **kwargs)
    _changed()
    return event_id


def terminated(self: BaseExecutionWorkerCommunication) -> None:
    ORIGINALS["terminated"](self)
    output_as_json(self.execution)  # before anyone is woken to read it
    _changed()


PATCHES: PatchList = [
    (EventManager, "add_event", add_event),
    (BaseExecutionWorkerCommunication, "terminated", terminated),
]
