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
sandbox goes away: `LocalRun.close(interrupt=True)` (greenlight.engine.core.lifetime) raises `HandlerStoppedError` in
each of their threads (CPython's PyThreadState_SetAsyncExc) and waits, bounded (5 s), for them to return. The error
lands when the thread next runs Python code: one blocked in a call that has not returned (a read from a service that
does not answer, until its timeout) outlives the wait, and whatever it then sends to AWS is refused here.
"""

from __future__ import annotations

import ipaddress
import threading
from typing import Any
from urllib.parse import urlsplit

from botocore.endpoint import Endpoint

from greenlight.engine.core.lifetime import OPEN_RUNS, THREAD_ATTRIBUTE, HandlerStoppedError, LocalRun
from greenlight.errors import GreenlightError

FAKE_ACCESS_KEYS = frozenset({"local", "testing"})


class EgressRefusedError(GreenlightError, ConnectionError):
    """A local run's client tried to reach AWS itself."""


_LOCK = threading.Lock()
_installed = False


def open_run() -> LocalRun:
    install()
    run = LocalRun()
    OPEN_RUNS.add(run)
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
    owner = getattr(threading.current_thread(), THREAD_ATTRIBUTE, None)
    if isinstance(owner, LocalRun) and not owner.active:
        reason = "its local run has ended"
    elif OPEN_RUNS:
        reason = "a local run is under way and moto has no answer for it"
    elif _access_key(request) in FAKE_ACCESS_KEYS:
        reason = "it is signed with a local run's fake credentials"
    else:
        return
    message = f"refused {request.method} {request.url}: {reason}"
    for run in [owner] if isinstance(owner, LocalRun) else list(OPEN_RUNS):
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
