"""One local run's lifetime, as the egress guard and the Lambda stand-in see it: the threads running its handlers, and
ending them when the run is interrupted (greenlight.engine.guards.egress refuses what they send to AWS once it ends)."""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

THREAD_ATTRIBUTE = "greenlight_local_run"  # on a thread running a run's handler: that run
STOP_HANDLERS_WAIT_S = 5.0


class HandlerStoppedError(BaseException):
    """Raised inside a handler still running when its run was interrupted (a BaseException: no `except Exception` in
    the handler turns it into a result)."""


@dataclass(eq=False)
class LocalRun:
    """One local run's lifetime: `close()` it when its engine stops."""

    active: bool = True
    refused: list[str] = field(default_factory=list)  # what was refused, for tests and logs
    handler_threads: set[threading.Thread] = field(default_factory=set)  # running this run's handlers now

    def close(self, interrupt: bool = False) -> list[str]:
        """End the run; with `interrupt`, end its running handlers too. Returns the threads that outlived the wait."""
        self.active = False
        OPEN_RUNS.discard(self)
        if not interrupt:
            return []
        deadline = time.monotonic() + STOP_HANDLERS_WAIT_S
        while self.handler_threads and time.monotonic() < deadline:
            # Again until it lands: code that catches BaseException (asyncio's transports) may swallow one.
            for thread in list(self.handler_threads):
                if thread.ident is not None and thread is not threading.current_thread():
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(thread.ident), ctypes.py_object(HandlerStoppedError)
                    )
            time.sleep(0.1)
        # A copy first: a handler thread that ends now leaves the set, which iterating it would not survive.
        return [thread.name for thread in list(self.handler_threads)]

    @contextmanager
    def running_here(self) -> Iterator[None]:
        """While this lasts, the calling thread runs this run's code (a handler invoked in-process)."""
        thread = threading.current_thread()
        previous = getattr(thread, THREAD_ATTRIBUTE, None)
        setattr(thread, THREAD_ATTRIBUTE, self)
        self.handler_threads.add(thread)
        try:
            yield
        finally:
            self.handler_threads.discard(thread)
            setattr(thread, THREAD_ATTRIBUTE, previous)


OPEN_RUNS: set[LocalRun] = set()  # opened by greenlight.engine.guards.egress.open_run, not closed yet
