"""The emulated ALB's connections to its target, kept open between requests as an ALB keeps them.

An ALB reuses its connections to a target (HTTP keep-alive) instead of opening one per request: a service on a
stock server with a listen backlog of 5 never sees a burst of new connections, whose overflowing SYNs would be
dropped and retried a second later. A connection goes back to the pool only when its answer was read to the end
and the target did not ask to close it; one the target closed while idle is noticed before it is reused.

New connections are opened at most MAX_OPENING at a time, each until its first answer (an answer proves the target
accepted it): the emulated ALB is one process on one host, so a first burst of requests would otherwise put all
its SYNs in the target's accept queue at once and overflow a backlog of 5, which an ALB's nodes, spread over
hosts and zones, do not do to a target on a real network.
"""

from __future__ import annotations

import contextlib
import http.client
import select
import threading
from collections.abc import Callable, Iterator

MAX_IDLE_CONNECTIONS = 64
MAX_OPENING = 4  # fewer than a stock server's accept queue (listen backlog 5) holds


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """An idle connection is usable while nothing can be read from it: readable means closed (or garbage)."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class ConnectionPool:
    """Idle keep-alive connections to one target; `take` one (or a new, unconnected one), `give_back` it after."""

    def __init__(
        self,
        factory: Callable[[], http.client.HTTPConnection],
        opening_wait_s: float,
        max_idle: int = MAX_IDLE_CONNECTIONS,
    ):
        """`opening_wait_s` bounds the wait for an opening slot; past it the connection is opened anyway."""
        self._factory = factory
        self._opening_wait_s = opening_wait_s
        self._max_idle = max_idle
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._opening = threading.Semaphore(MAX_OPENING)
        self._unproven: set[int] = set()  # connections holding an opening slot until their first answer
        self.opened = 0  # connections made, for tests and figures

    def take(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection and whether it is a reused one (a reused one may still turn out closed by the target).
        Call `settle` once the request has its head (or failed)."""
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return self._open(), False
            if _still_open(connection):
                return connection, True
            connection.close()

    def _open(self) -> http.client.HTTPConnection:
        slot = self._opening.acquire(timeout=self._opening_wait_s)
        connection = self._factory()
        with self._lock:
            self.opened += 1
            if slot:
                self._unproven.add(id(connection))
        return connection

    @contextlib.contextmanager
    def opening_slot(self, wait_s: float) -> Iterator[None]:
        """Hold an opening slot for a connection outside the pool (a health check's) while it lasts, waiting for one
        at most `wait_s`: health checks every few milliseconds would otherwise fill the accept queue on their own."""
        slot = self._opening.acquire(timeout=wait_s)
        try:
            yield
        finally:
            if slot:
                self._opening.release()

    def settle(self, connection: http.client.HTTPConnection) -> None:
        """The request on `connection` has its answer's head, or failed: its opening slot, if any, is free."""
        with self._lock:
            held = id(connection) in self._unproven
            self._unproven.discard(id(connection))
        if held:
            self._opening.release()

    def give_back(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        """Keep the connection when its answer is fully read and the target keeps it open; close it otherwise."""
        # http.client marks a body read to its announced length as done (length 0) without closing the response,
        # and sends nothing more on the connection until it is closed; closing it leaves the socket open.
        finished = response.isclosed() or response.length == 0
        if finished:
            response.close()
        reusable = finished and not response.will_close and connection.sock is not None
        with self._lock:
            if reusable and len(self._idle) < self._max_idle:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
