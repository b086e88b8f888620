"""No request of a local run ever reaches AWS.

moto answers a local run's AWS calls only while it is active. A handler thread that outlives its engine (a
stalled Finalize after the workflow timed out) would otherwise send its next call to the real endpoint. botocore's
`Endpoint._send`, which sends a request no event handler (moto's stubber) answered, refuses it, unless it goes to
a loopback address (another local engine such as LocalStack, which never leaves the machine), when:
- it comes from a thread that ran a handler for a local run that has ended;
- a local run is under way (moto has no answer for it, so it would leave the machine);
- it is signed with the fake credentials local runs and tests use.
Real credentials outside a local run (the opt-in integration tier) are never affected.

A run that is interrupted (Ctrl-C) also ends the handlers still running its code, as Lambda ends a function whose
sandbox goes away: `LocalRun.close(interrupt=True)` raises `HandlerStoppedError` in each of their threads (CPython's
PyThreadState_SetAsyncExc) and waits, bounded, for them to return, so no thread of the run outlives it.
"""

from __future__ import annotations

import ctypes
import ipaddress
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from botocore.endpoint import Endpoint

from greenlight.errors import GreenlightError

FAKE_ACCESS_KEYS = frozenset({"local", "testing"})
_THREAD_ATTRIBUTE = "greenlight_local_run"
STOP_HANDLERS_WAIT_S = 5.0


class EgressRefusedError(GreenlightError, ConnectionError):
    """A local run's client tried to reach AWS itself."""


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
        _RUNS.discard(self)
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
        return [thread.name for thread in self.handler_threads]

    @contextmanager
    def running_here(self) -> Iterator[None]:
        """While this lasts, the calling thread runs this run's code (a handler invoked in-process)."""
        thread = threading.current_thread()
        previous = getattr(thread, _THREAD_ATTRIBUTE, None)
        setattr(thread, _THREAD_ATTRIBUTE, self)
        self.handler_threads.add(thread)
        try:
            yield
        finally:
            self.handler_threads.discard(thread)
            setattr(thread, _THREAD_ATTRIBUTE, previous)


_RUNS: set[LocalRun] = set()
_LOCK = threading.Lock()
_installed = False


def open_run() -> LocalRun:
    install()
    run = LocalRun()
    _RUNS.add(run)
    return run


def _access_key(request: Any) -> str:
    authorization = request.headers.get("Authorization", b"")
    text = authorization.decode() if isinstance(authorization, bytes) else str(authorization)
    _, _, rest = text.partition("Credential=")
    return rest.split("/", 1)[0]


def is_loopback(url: str) -> bool:
    """Whether `url` names this machine by a loopback address (127.0.0.0/8, ::1) or as localhost."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_unanswered(request: Any) -> None:
    """Raise unless `request`, which nothing answered locally, may be sent: to loopback, or it may leave the machine."""
    if is_loopback(request.url):
        return
    owner = getattr(threading.current_thread(), _THREAD_ATTRIBUTE, None)
    if isinstance(owner, LocalRun) and not owner.active:
        reason = "its local run has ended"
    elif _RUNS:
        reason = "a local run is under way and moto has no answer for it"
    elif _access_key(request) in FAKE_ACCESS_KEYS:
        reason = "it is signed with a local run's fake credentials"
    else:
        return
    message = f"refused {request.method} {request.url}: {reason}"
    for run in [owner] if isinstance(owner, LocalRun) else list(_RUNS):
        run.refused.append(message)
    raise EgressRefusedError(message)


_original_send = Endpoint._send  # type: ignore[attr-defined]


def _guarded_send(self: Endpoint, request: Any) -> Any:
    refuse_unanswered(request)
    return _original_send(self, request)


_original_excepthook = threading.excepthook


def _quiet_when_stopped(arguments: threading.ExceptHookArgs) -> None:
    """A thread ended by an interrupted run's HandlerStoppedError ends without a traceback."""
    if arguments.exc_type is not None and issubclass(arguments.exc_type, HandlerStoppedError):
        return
    _original_excepthook(arguments)


def install() -> None:
    """Guard every botocore request that is about to leave the process (once per process)."""
    global _installed  # noqa: PLW0603
    with _LOCK:
        if not _installed:
            setattr(Endpoint, "_send", _guarded_send)  # noqa: B010  (botocore's private send)
            threading.excepthook = _quiet_when_stopped
            _installed = True
