"""Where a request may never go, decided on the host as the URL library will connect to it.

A host string is first normalised as yarl does before aiohttp connects (IDNA, so fullwidth digits and ideographic
dots become ASCII), then read as the socket layer would read it: `inet_aton` forms (`0x7f.1`, `2130706433`,
octal quads), trailing dots, and IPv6 literals that embed an IPv4 address (mapped, compatible, translated, 6to4,
NAT64). Only then is it compared with the networks that are never a valid target.
"""

from __future__ import annotations

import ipaddress
import re
import socket

from yarl import URL

from common.errors import GreenlightError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Link-local (the instance metadata service, ECS task metadata and credentials, Amazon DNS and time sync live
# there), the EC2 IPv6 metadata endpoint (fd00:ec2::254) and its neighbours, and the unspecified addresses,
# which Linux connects to the local host.
FORBIDDEN_NETWORKS = {
    ipaddress.ip_network("169.254.0.0/16"): "a link-local",
    ipaddress.ip_network("0.0.0.0/8"): "an unspecified",
    ipaddress.ip_network("fe80::/10"): "a link-local",
    ipaddress.ip_network("fd00:ec2::/32"): "an EC2 metadata",
    ipaddress.ip_network("::/128"): "an unspecified",
}
# IPv6 prefixes whose low 32 bits (or, for 6to4, bits 16-48) are an IPv4 address a gateway may translate to.
_IPV4_SUFFIX_PREFIXES = [
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.ip_network("64:ff9b:1::/48"),  # NAT64, local use
]
_INET_ATON_FORM = re.compile(r"^[0-9A-Fa-fXx.]+$")
_HOST_HEADER = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[^\s\[\]:/?#@\\]+)(?::([0-9]{1,5}))?$")
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63  # RFC 1035 2.3.4, in its ASCII form


class AddressError(GreenlightError, ValueError):
    """A host that cannot be read, or one in a forbidden network."""


def normalise_host(host: str) -> str:
    """The host as the connection will use it: IDNA-encoded, lower case, no brackets or trailing dots,
    IPv4 in dotted-quad form. Raises AddressError when the URL library would refuse it."""
    bare = host.strip()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    if not bare or len(bare) > MAX_HOST_LENGTH:
        raise AddressError(f"host {host!r} is empty or longer than {MAX_HOST_LENGTH} characters")
    try:
        raw = URL.build(scheme="http", host=bare).raw_host or ""
    except (ValueError, UnicodeError) as error:
        raise AddressError(f"host {host!r} is not a valid host name or address") from error
    raw = raw.strip("[]").rstrip(".").lower()
    if not raw:
        raise AddressError(f"host {host!r} is not a valid host name or address")
    address = literal_address(raw)
    if address is None and not all(0 < len(label) <= MAX_LABEL_LENGTH for label in raw.split(".")):
        # The resolver refuses it (UnicodeError from the idna codec): said here, where the config is checked.
        raise AddressError(f"host {host!r} has an empty label or one longer than {MAX_LABEL_LENGTH} characters")
    return str(address) if address is not None else raw


def literal_address(host: str) -> IPAddress | None:
    """The address a numeric host stands for, in any form the socket layer accepts; None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _INET_ATON_FORM.match(host) and any(c.isdigit() for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, translated, 6to4, NAT64), if any."""
    if address.is_loopback or address.is_unspecified:  # ::1 and :: are themselves, not IPv4-compatible forms
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in prefix for prefix in _IPV4_SUFFIX_PREFIXES) and int(address) & 0xFFFFFFFF:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why a request may never reach this address (None when it may)."""
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address) and (inner := embedded_ipv4(address)) is not None:
        candidates.append(inner)
    for candidate in candidates:
        for network, kind in FORBIDDEN_NETWORKS.items():
            if candidate.version == network.version and candidate in network:
                return f"{address} is {kind} address ({network}), never a valid target"
    return None


def forbidden_host(host: str) -> str | None:
    """Why this host may never be a target, judged on its normalised form (None when it may be)."""
    address = literal_address(normalise_host(host))
    return forbidden_reason(address) if address is not None else None


def split_host_header(value: str) -> tuple[str, int | None]:
    """`host[:port]` of a Host header, strictly: one host, no spaces, no user info, no path."""
    # The value is left out of the messages: a Host header may come from a secret.
    match = _HOST_HEADER.fullmatch(value)  # `$` alone would also match before a final line break
    if match is None:
        raise AddressError("a Host header must be host[:port], one host without spaces, user info or path")
    port = int(match.group(2)) if match.group(2) else None
    if port is not None and not 0 < port < 65536:
        raise AddressError("a Host header's port must be between 1 and 65535")
    return match.group(1), port
