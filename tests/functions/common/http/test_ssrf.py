"""The SSRF guard decides on addresses, never by sending a packet: every vector is refused where it can enter.

A vector can enter as a host in `allowed_hosts` or a request's `host` (refused when the config is validated, and
again by the guard at run time, should validation ever be bypassed), as a Host header (written in the config or
read from a secret), or as what a name resolves to or an address a client is about to dial (refused at connect
time by the resolver and the socket factory). Nothing here opens a socket.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from common.config import ConfigError, Expectation, RequestSpec, SecretRef, SyntheticConfig, validate
from common.http.addresses import forbidden_host, normalise_host
from common.http.guard import (
    GuardedResolver,
    HostNotAllowedError,
    allowed_set,
    check_address,
    check_host,
    check_host_header,
    guarded_socket,
)
from common.secrets.values import SecretValueError
from tests.support.vectors import METADATA_V4, VECTORS
from validate_synthetic import traffic
from validate_synthetic.traffic import PreparedRequest, prepare_requests, run_traffic

PARAMS = [pytest.param(vector, id=name) for name, vector in VECTORS.items()]


def resolve(reference: SecretRef) -> str:
    return {"/greenlight/host": METADATA_V4, "/greenlight/evil-host": "127.0.0.1:80 169.254.169.254"}.get(
        reference.ssm or "", "value"
    )


@pytest.mark.parametrize("vector", PARAMS)
def test_every_vector_normalises_to_a_forbidden_address(vector: str) -> None:
    assert forbidden_host(vector), normalise_host(vector)


@pytest.mark.parametrize("vector", PARAMS)
def test_config_refuses_every_vector_in_allowed_hosts_and_host(vector: str) -> None:
    document = {"synthetic": {"allowed_hosts": [vector], "requests": [{"path": "/", "host": vector}]}}
    with pytest.raises(ConfigError) as error:
        validate(document, "test")
    assert "synthetic.allowed_hosts.0" in str(error.value) and "synthetic.requests.0.host" in str(error.value)


@pytest.mark.parametrize("vector", PARAMS)
def test_config_refuses_every_vector_in_a_host_header(vector: str) -> None:
    header = f"[{vector.strip('[]')}]" if ":" in vector.strip("[]") else vector
    with pytest.raises(ConfigError, match=r"synthetic\.requests\.0"):
        validate({"synthetic": {"requests": [{"path": "/", "headers": {"Host": header}}]}}, "test")


@pytest.mark.parametrize("vector", PARAMS)
def test_the_guard_refuses_every_vector_even_when_listed_as_allowed(vector: str) -> None:
    # GIVEN validation bypassed: the vector is in the allowed set itself
    allowed = {normalise_host(vector), "127.0.0.1"}
    with pytest.raises(HostNotAllowedError, match="never a valid target"):
        check_host(vector, allowed)


@pytest.mark.parametrize("vector", PARAMS)
def test_prepare_refuses_every_vector_when_the_config_was_not_validated(vector: str) -> None:
    # GIVEN a config built without validation, naming the vector as a request's host and as allowed
    request = RequestSpec.model_construct(path="/", host=vector)
    config = SyntheticConfig.model_construct(allowed_hosts=[vector], requests=[request])
    with pytest.raises(HostNotAllowedError):
        prepare_requests("http://127.0.0.1:8080", config, "/", resolve)


@pytest.mark.parametrize("reference", ["/greenlight/host", "/greenlight/evil-host"])
def test_a_host_header_read_from_a_secret_is_checked_when_it_is_read(reference: str) -> None:
    config = SyntheticConfig.model_validate({"requests": [{"path": "/", "headers": {"Host": {"ssm": reference}}}]})
    with pytest.raises(HostNotAllowedError) as error:
        prepare_requests("http://127.0.0.1:8080", config, "/", resolve)
    assert resolve(SecretRef(ssm=reference)) not in str(error.value)  # the secret is not quoted


def test_a_host_header_with_two_hosts_is_refused() -> None:
    allowed = allowed_set("127.0.0.1", [])
    for value in ("127.0.0.1:80 169.254.169.254", "127.0.0.1:80,169.254.169.254", "a@169.254.169.254", "x/y"):
        with pytest.raises(HostNotAllowedError, match="host\\[:port\\]"):
            check_host_header(value, allowed)
    check_host_header("127.0.0.1:8080", allowed)  # one allowed host with a port is fine


def test_a_secret_with_a_line_break_is_refused_without_quoting_it() -> None:
    config = SyntheticConfig.model_validate({"requests": [{"path": "/", "headers": {"X-Token": {"ssm": "/t"}}}]})
    with pytest.raises(SecretValueError) as error:
        prepare_requests("http://127.0.0.1:8080", config, "/", lambda reference: "abc\r\nHost: 169.254.169.254")
    assert "abc" not in str(error.value) and "X-Token" in str(error.value)


class FixedResolver(AbstractResolver):
    """DNS as an attacker would run it for a name an allowed host uses: every name resolves to `address`."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        return [{"hostname": host, "host": self.address, "port": port, "family": family, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        return None


@pytest.mark.parametrize(
    "address", [METADATA_V4, "::ffff:169.254.169.254", "fd00:ec2::254", "0.0.0.0", "::", "fe80::1", "169.254.170.2"]
)
def test_a_name_resolving_to_a_forbidden_address_is_refused_at_resolution(address: str) -> None:
    resolver = GuardedResolver(FixedResolver(address))
    with pytest.raises(HostNotAllowedError, match="resolves to"):
        asyncio.run(resolver.resolve("service.allowed.example", 80))


def test_a_name_resolving_to_an_allowed_address_passes_resolution() -> None:
    results = asyncio.run(GuardedResolver(FixedResolver("10.0.0.8")).resolve("service.allowed.example", 80))
    assert results[0]["host"] == "10.0.0.8"


@pytest.mark.parametrize(
    ("family", "sockaddr"),
    [
        (socket.AF_INET, (METADATA_V4, 80)),
        (socket.AF_INET, ("0.0.0.0", 80)),
        (socket.AF_INET6, ("::ffff:169.254.169.254", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:a9fe:a9fe", 80, 0, 0)),
        (socket.AF_INET6, ("fd00:ec2::254", 80, 0, 0)),
        (socket.AF_INET6, ("fe80::1", 80, 0, 2)),
        (socket.AF_INET6, ("::", 80, 0, 0)),
    ],
)
def test_the_socket_factory_refuses_before_a_socket_exists(
    family: socket.AddressFamily, sockaddr: tuple[Any, ...]
) -> None:
    with pytest.raises(HostNotAllowedError, match="refused to connect"):
        guarded_socket((family, socket.SOCK_STREAM, 6, "", sockaddr))


def test_the_socket_factory_lets_an_allowed_address_through() -> None:
    check_address("127.0.0.1")
    sock = guarded_socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)))
    sock.close()  # created, never connected


def _request_to(url: str) -> PreparedRequest:
    """A request built past prepare_requests' own checks, as if they had been bypassed."""
    return PreparedRequest("bypass", "GET", URL(url), {}, None, Expectation())


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254:9/", "http://[::ffff:a9fe:a9fe]:9/", "http://[fd00:ec2::254]:9/", "http://0.0.0.0:9/"],
)
def test_the_traffic_never_dials_a_forbidden_literal(url: str) -> None:
    # GIVEN a forbidden IP literal, as a request built past the config's checks could name it
    samples = asyncio.run(run_traffic([_request_to(url)], 2, None, 1, 1.0))
    # THEN the guard refused it before any socket existed: no packet left
    assert [sample.error for sample in samples] == ["refused-host", "refused-host"]


def test_the_traffic_never_dials_a_name_resolving_to_a_forbidden_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(traffic, "GuardedResolver", lambda: GuardedResolver(FixedResolver("::ffff:169.254.169.254")))
    samples = asyncio.run(run_traffic([_request_to("http://service.allowed.example:9/")], 2, None, 1, 1.0))
    assert [sample.error for sample in samples] == ["refused-host", "refused-host"]
