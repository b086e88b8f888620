"""Where greenlight's own requests may go: the hosts the config names for them, nothing else.

Synthetic requests may reach the test listener's host and `synthetic.allowed_hosts`; a webhook check only the host
its `url` names.

Every host is judged as the connection will use it (common.http.addresses normalises it first), and judged again at
connect time on the addresses actually dialled: the resolver refuses names that resolve into a forbidden
network, and the socket factory refuses any forbidden address a client is about to connect to, IP literals
included (aiohttp does not resolve those; the synthetic traffic's connections, validate_synthetic.keepalive, resolve
every host and make every socket through these two). Link-local, metadata and unspecified addresses are refused
even when listed in `allowed_hosts`.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from common.errors import GreenlightError
from common.http import addresses


class HostNotAllowedError(GreenlightError):
    """A request would reach a host outside the allowed set, or a forbidden address."""


def allowed_set(listener_host: str, allowed_hosts: list[str]) -> set[str]:
    """The normalised hosts requests may name: the test listener's and the configured ones."""
    try:
        return {addresses.normalise_host(host) for host in [listener_host, *allowed_hosts]}
    except addresses.AddressError as error:
        raise HostNotAllowedError(str(error)) from error


def check_host(host: str, allowed_hosts: set[str]) -> str:
    """The normalised host, when a request may name it; HostNotAllowedError otherwise."""
    try:
        normalised = addresses.normalise_host(host)
        reason = addresses.forbidden_host(normalised)
    except addresses.AddressError as error:
        raise HostNotAllowedError(str(error)) from error
    if reason:
        raise HostNotAllowedError(reason)
    if normalised not in allowed_hosts:
        raise HostNotAllowedError(f"{normalised} is neither the test listener's host nor in synthetic.allowed_hosts")
    return normalised


def check_host_header(value: str, allowed_hosts: set[str]) -> None:
    """A Host header, whatever its source: one `host[:port]` whose host a request may name."""
    try:
        host, _ = addresses.split_host_header(value)
    except addresses.AddressError as error:
        raise HostNotAllowedError(str(error)) from error
    check_host(host, allowed_hosts)


def _forbidden(address: str) -> str | None:
    """Why an address a resolver gave or a socket is about to dial is forbidden (None when it is not)."""
    literal = addresses.literal_address(address)
    return addresses.forbidden_reason(literal) if literal is not None else None


def check_address(address: str) -> None:
    """Refuse an address about to be dialled when it is in a forbidden network."""
    if reason := _forbidden(address):
        raise HostNotAllowedError(f"refused to connect: {reason}")


def guarded_socket(addr_info: tuple[Any, ...]) -> socket.socket:
    """aiohttp's socket factory: the last look at the address before the connection is made."""
    family, type_, proto, _, sockaddr = addr_info
    check_address(str(sockaddr[0]))
    return socket.socket(family=family, type=type_, proto=proto)


class GuardedResolver(AbstractResolver):
    """Refuses names that resolve into forbidden networks, so DNS cannot smuggle a request to the metadata service."""

    def __init__(self, resolver: AbstractResolver | None = None) -> None:
        self._resolver = resolver or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._resolver.resolve(host, port, family)
        for result in results:
            if reason := _forbidden(str(result["host"])):
                raise HostNotAllowedError(f"{host} resolves to {result['host']}: {reason}")
        return results

    async def close(self) -> None:
        await self._resolver.close()
