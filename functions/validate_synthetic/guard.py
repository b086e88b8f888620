"""Where synthetic requests may go: the test listener's host and hosts the config names, nothing else."""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

# The instance metadata service and the rest of link-local space are never a valid target, allowed or not.
FORBIDDEN_NETWORKS = [
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("fd00:ec2::/32"),
]


class HostNotAllowedError(Exception):
    """A request would reach a host outside the allowed set."""


def forbidden_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return any(ip in network for network in FORBIDDEN_NETWORKS)


def check_host(host: str, allowed_hosts: set[str]) -> None:
    host = host.lower().strip("[]")
    if forbidden_address(host):
        raise HostNotAllowedError(f"{host} is a link-local or instance metadata address")
    if host not in allowed_hosts:
        raise HostNotAllowedError(f"{host} is neither the test listener's host nor in synthetic.allowed_hosts")


class GuardedResolver(AbstractResolver):
    """Refuses names that resolve into forbidden networks, so DNS cannot smuggle a request to the metadata service."""

    def __init__(self) -> None:
        self._resolver = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._resolver.resolve(host, port, family)
        for result in results:
            if forbidden_address(str(result["host"])):
                raise HostNotAllowedError(f"{host} resolves to {result['host']}, a link-local or metadata address")
        return results

    async def close(self) -> None:
        await self._resolver.close()
