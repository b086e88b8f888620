"""How the synthetic traffic's kept-alive connections (validate_synthetic.keepalive) dial and when they send again:
a name is resolved as common.guard judged it, a name's unreachable address does not hold the request, and a
request the service began to answer is never sent a second time."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from common.http import client as http
from common.http.answers import Answer
from common.http.guard import GuardedResolver, HostNotAllowedError
from tests.support.servers import Behaviour, serve
from validate_synthetic.keepalive import Pool, wire
from validate_synthetic.traffic import run_loop

UNICODE_NAME, ITS_ASCII = "straße.example", "xn--strae-oqa.example"  # IDNA 2003 would make it `strasse.example`


class Addresses(AbstractResolver):
    """Every name resolves to these loopback ports, in this order; the names asked for are kept."""

    def __init__(self, *ports: int, first: str | None = None) -> None:
        self.ports, self.first, self.asked = ports, first, list[str]()

    async def resolve(self, host: str, port: int = 0, family: Any = socket.AF_INET) -> list[ResolveResult]:
        self.asked.append(host)
        hosts = ([self.first] if self.first else []) + ["127.0.0.1"] * len(self.ports)
        return [
            {"hostname": host, "host": address, "port": each, "family": socket.AF_INET, "proto": 0, "flags": 0}
            for address, each in zip(hosts, self.ports, strict=False)
        ]

    async def close(self) -> None:
        return None


def send(url: str, resolver: AbstractResolver | None = None, count: int = 1, deadline_s: float = 5.0) -> list[Answer]:
    request = wire("GET", URL(url), {}, None, None)

    async def send_all() -> list[Answer]:
        pool = Pool(http.ReadLimits(), GuardedResolver(resolver))
        try:
            return [await pool.send(request, deadline_s, keep_body=True) for _ in range(count)]
        finally:
            await pool.close()

    return run_loop(send_all())


@contextmanager
def unreachable_port() -> Iterator[int]:
    """A loopback port whose SYNs are dropped, as a blackholed address drops them: its accept queue of one is full."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(0)
        port = int(listening.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)):
            yield port


def test_a_unicode_name_is_resolved_and_named_as_the_guard_judged_it() -> None:
    with serve() as (url, behaviour):
        port = URL(url).port or 0
        resolver = Addresses(port)
        [answer] = send(f"http://{UNICODE_NAME}:{port}/", resolver)
    assert (answer.status, answer.problem) == (200, None)
    assert resolver.asked == [ITS_ASCII]  # never the Unicode text, which the system would encode as IDNA 2003
    assert behaviour.requests[0]["headers"]["Host"] == f"{ITS_ASCII}:{port}"
    assert wire("GET", URL(f"https://{UNICODE_NAME}/"), {}, None, None).endpoint.host == ITS_ASCII


def test_an_unreachable_address_of_a_name_does_not_hold_the_request() -> None:
    # GIVEN a name whose first address drops SYNs (a blackholed IPv6 path, a node not answering), then the service
    with unreachable_port() as hole, serve() as (url, _):
        resolver = Addresses(hole, URL(url).port or 0)
        answers = send("http://service.example.test/", resolver, count=2, deadline_s=2.0)
    # THEN the next address is raced, as aiohttp's connector races it: every request answered, none timed out
    assert [(answer.status, answer.problem) for answer in answers] == [(200, None)] * 2
    assert resolver.asked == ["service.example.test"]  # the second request used the connection kept from the first


def test_an_answer_the_service_began_then_cut_is_its_answer_never_sent_again() -> None:
    # GIVEN a service that crashes in the middle of answering a request on a kept connection
    with serve(Behaviour(cut_from=2)) as (url, behaviour):
        answers = send(url + "/", count=3)
    # THEN that request fails as the service's answer, and only the next request goes on a new connection
    assert [answer.problem for answer in answers] == [None, "connection reset", None]
    assert answers[1].detail.endswith("closed the connection in the middle of its answer")
    assert len(behaviour.requests) == 3  # no request sent twice


def test_a_name_with_one_forbidden_address_is_refused_before_any_address_is_dialled() -> None:
    # GIVEN a name that resolves to the metadata service's address and to a service that would answer
    with serve() as (url, behaviour):
        port = URL(url).port or 0
        resolver = Addresses(port, port, first="169.254.169.254")
        # THEN the request is refused as the config's problem (raised), never raced on to the address that answers
        with pytest.raises(HostNotAllowedError, match=r"resolves to 169\.254\.169\.254"):
            send("http://service.example.test/", resolver)
    assert behaviour.requests == []
