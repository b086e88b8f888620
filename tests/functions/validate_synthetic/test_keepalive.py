"""The synthetic traffic's kept-alive connections (validate_synthetic.keepalive) against loopback services: every
bound of common.http.client holds, each failure is named as that client names it, and connections are reused, never
pipelined, and dropped whenever anything about them is in doubt."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from yarl import URL

from common.config import SecretRef, SyntheticConfig
from common.http import client as http
from common.http.answers import Answer
from common.http.guard import GuardedResolver, HostNotAllowedError
from tests.support.hostile import Hostile, hostile_service
from tests.support.servers import Behaviour, closed_port, serve
from validate_synthetic.keepalive import Pool, wire
from validate_synthetic.traffic import prepare_requests, run_loop, run_traffic

NAME = "orders.example.test"
LIMITS = http.ReadLimits()


def no_secrets(reference: SecretRef) -> str:
    raise AssertionError("no secret in these scenarios")


@dataclass
class Exchanges:
    answers: list[Answer]
    opened: int  # connections the pool made


def exchange(
    url: str,
    count: int = 1,
    method: str = "GET",
    deadline_s: float = 5.0,
    limits: http.ReadLimits | None = None,
    tls: http.TlsTarget | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Exchanges:
    """`count` requests one after the other through one pool, as a worker of the traffic sends them."""
    request = wire(method, URL(url), headers or {}, body, tls)

    async def send_all() -> Exchanges:
        pool = Pool(limits or http.ReadLimits(), GuardedResolver())
        try:
            return Exchanges([await pool.send(request, deadline_s, keep_body=True) for _ in range(count)], pool.opened)
        finally:
            await pool.close()

    return run_loop(send_all())


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        ("gigabyte", "body over 1 MiB"),  # announced in Content-Length
        ("endless", "body over 1 MiB"),  # chunked, never ending
        ("gzip-bomb", "body over 1 MiB"),  # counted after decompression
        ("bad-status", "malformed status line"),
        ("big-header", "header over limit"),  # one line of 1 MiB
        ("many-headers", "header over limit"),  # 10,000 lines
        ("truncated", "truncated body"),
    ],
)
def test_each_hostile_answer_is_named_by_its_kind_and_its_connection_dropped(mode: str, kind: str) -> None:
    behaviour = Hostile(mode)
    with hostile_service(behaviour) as url:
        done = exchange(url + "/api", count=2)
    assert [answer.problem for answer in done.answers] == [kind, kind]
    assert done.opened == 2 and behaviour.connections == 2  # nothing of a refused answer is read on again


def test_the_caps_are_the_ones_given() -> None:
    with hostile_service(Hostile("gigabyte", body_bytes=4096)) as url:
        small = exchange(url, limits=http.ReadLimits(max_body_bytes=2048)).answers[0]
        default = exchange(url).answers[0]
    with hostile_service(Hostile("wide-headers")) as url:  # 20 headers of 100 bytes
        narrow = exchange(url, limits=http.ReadLimits(max_header_bytes=1024)).answers[0]
    assert (small.problem, default.problem, len(default.body)) == ("body over 2 KiB", None, 4096)
    assert (narrow.status, narrow.problem) == (200, "header over limit")


def test_a_trickling_body_ends_at_the_deadline() -> None:
    with hostile_service(Hostile("trickle", trickle_interval=0.05)) as url:
        answer = exchange(url, deadline_s=0.3).answers[0]
    assert (answer.status, answer.problem) == (None, "timeout")
    assert answer.detail == "timeout: no complete answer within 0.3 s"


def test_a_connection_that_timed_out_is_never_lent_again() -> None:
    with serve(Behaviour(hang_s=0.4, hang_every=2)) as (url, behaviour):  # the 2nd request hangs, the others answer
        done = exchange(url, count=3, deadline_s=0.2)
    assert [answer.problem for answer in done.answers] == [None, "timeout", None]
    assert done.opened == 2 and len({r["client_port"] for r in behaviour.requests}) == 2


def test_refused_and_reset_connections_are_named() -> None:
    port = closed_port()
    refused = exchange(f"http://127.0.0.1:{port}/").answers[0]
    with serve(Behaviour(reset=True)) as (url, _):
        reset = exchange(url).answers[0]
    assert (refused.problem, refused.detail) == ("connection refused", f"connection refused by 127.0.0.1:{port}")
    assert reset.problem == "connection reset" and reset.status is None


def test_connections_are_kept_alive_and_reused() -> None:
    with serve() as (url, behaviour):
        done = exchange(url, count=20)
    assert all(answer.status == 200 and answer.problem is None for answer in done.answers)
    assert done.opened == 1 and len({r["client_port"] for r in behaviour.requests}) == 1


def test_a_connection_the_service_closed_while_kept_gets_the_request_once_more_on_a_new_one() -> None:
    # GIVEN a service that closes a kept connection when the next request comes, unanswered (an idle timeout's race)
    with serve(Behaviour(drop_from=2)) as (url, behaviour):
        done = exchange(url, count=4)
    # THEN every request was answered: each one after the first was sent again, once, on a new connection
    assert [answer.status for answer in done.answers] == [200] * 4
    assert done.opened == 4 and len(behaviour.requests) == 1 + 2 * 3


def test_a_request_that_is_not_idempotent_is_never_sent_twice() -> None:
    with serve(Behaviour(drop_from=2)) as (url, behaviour):
        done = exchange(url, count=2, method="POST")
    assert done.answers[1].problem == "connection reset"
    assert "closed the connection without answering" in done.answers[1].detail
    assert len(behaviour.requests) == 2


def test_a_service_closing_after_each_answer_costs_nothing_but_new_connections() -> None:
    with serve(Behaviour(close_after=True)) as (url, behaviour):
        done = exchange(url, count=10)
    assert [answer.status for answer in done.answers] == [200] * 10
    assert len(behaviour.requests) <= 2 * 10  # at most one resend per request


def test_a_fresh_connection_failing_is_the_services_answer_not_retried() -> None:
    with serve(Behaviour(reset=True)) as (url, behaviour):
        exchange(url, count=3)
    assert len(behaviour.requests) == 3


def test_requests_are_never_pipelined() -> None:
    # GIVEN a service slow enough that a pipelining client would send its next request before the answer
    behaviour = Hostile("ok", answer_delay_s=0.01)
    with hostile_service(behaviour) as url:
        config = SyntheticConfig.model_validate({"total_requests": 40, "concurrency": 4})
        [request] = prepare_requests(url, config, "/", no_secrets)
        samples = run_loop(run_traffic([request], 40, None, 4, 5.0))
    assert [sample.ok for sample in samples] == [True] * 40
    assert behaviour.pipelined == 0 and behaviour.connections <= 4


def test_the_pipelining_detector_detects_pipelining() -> None:
    behaviour = Hostile("ok", answer_delay_s=0.05)
    with hostile_service(behaviour) as url, socket.create_connection(("127.0.0.1", URL(url).port or 0)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" * 2)
        received = b""
        while received.count(b"HTTP/1.1 200") < 2:
            received += sock.recv(4096)
    assert behaviour.pipelined == 1


def test_a_head_answers_announced_length_is_no_body() -> None:
    with hostile_service(Hostile("head")) as url:
        done = exchange(url, count=2, method="HEAD")
    assert [(answer.status, answer.problem, answer.body) for answer in done.answers] == [(200, None, b"")] * 2
    assert done.opened == 1


def test_a_forbidden_address_is_refused_before_a_socket_exists() -> None:
    with pytest.raises(HostNotAllowedError):
        exchange("http://169.254.169.254:9/")


@contextmanager
def https_service(name: str) -> Iterator[tuple[str, bytes]]:
    """A loopback HTTPS service whose certificate is for `name`, and its CA's PEM."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(name).configure_cert(context)
    with serve(tls=context) as (url, _):
        yield url.replace("http:", "https:"), authority.cert_pem.bytes()


def test_https_is_verified_under_the_listeners_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with https_service(NAME) as (url, ca_pem):
        (tmp_path / "ca.pem").write_bytes(ca_pem)
        monkeypatch.setenv(http.CA_BUNDLE_VARIABLE, str(tmp_path / "ca.pem"))
        right = exchange(url, count=2, tls=http.TlsTarget(NAME))
        wrong = exchange(url, tls=http.TlsTarget("other.example.test")).answers[0]
        unverified = exchange(url, tls=http.TlsTarget("other.example.test", verify=False)).answers[0]
    with serve() as (plain, _):
        handshake = exchange(plain.replace("http:", "https:"), tls=http.TlsTarget(NAME)).answers[0]
    assert [answer.status for answer in right.answers] == [200, 200] and right.opened == 1
    assert wrong.problem == "TLS certificate" and "not valid for 'other.example.test'" in wrong.detail
    assert (unverified.status, unverified.problem) == (200, None)
    assert handshake.problem == "TLS handshake failed" and handshake.detail.startswith("TLS handshake failed with")


@pytest.mark.parametrize(
    ("method", "body", "headers"),
    [("GET", None, {}), ("POST", b'{"a": 1}', {"Content-Type": "application/json"}), ("DELETE", None, {"X-A": "1"})],
)
def test_the_request_is_the_one_aiohttp_sends(method: str, body: bytes | None, headers: dict[str, str]) -> None:
    headers = {"User-Agent": "greenlight-synthetic"} | headers  # the traffic always names itself (aiohttp would too)

    async def through_aiohttp(url: str) -> None:
        async with http.session() as client:
            await http.fetch(client, {"method": method, "url": URL(url), "headers": headers, "data": body}, LIMITS, 5)

    with serve() as (url, behaviour):
        run_loop(through_aiohttp(url + "/a?b=1"))
        exchange(url + "/a?b=1", method=method, body=body, headers=headers)
    theirs, ours = behaviour.requests
    assert ours == theirs | {"client_port": ours["client_port"]}


def test_the_request_is_what_aiohttp_would_send() -> None:
    sent = wire("POST", URL("http://127.0.0.1:8080/a%20b?q=1"), {"host": "x.test:8080", "X-A": "1"}, b"{}", None)
    head = sent.data.decode().split("\r\n")
    assert head[0] == "POST /a%20b?q=1 HTTP/1.1"
    assert {"host: x.test:8080", "Accept: */*", "Accept-Encoding: gzip, deflate", "Content-Length: 2"} <= set(head)
    assert sent.data.endswith(b"\r\n\r\n{}") and str(sent.endpoint) == "127.0.0.1:8080"
    assert b"Content-Length" not in wire("GET", URL("http://127.0.0.1/"), {}, None, None).data
    empty = wire("DELETE", URL("http://127.0.0.1/"), {}, None, None).data
    assert b"Content-Length: 0\r\n" in empty and b"Content-Type" not in empty
    assert b"Content-Type: application/octet-stream" in wire("PUT", URL("http://127.0.0.1/"), {}, b"x", None).data
    with pytest.raises(ValueError, match="line break"):
        wire("GET", URL("http://127.0.0.1/"), {"X-A": "1\r\nX-B: 2"}, None, None)
