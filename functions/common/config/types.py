"""Field types of the config that are checked as run time will use them, so what validates runs.

Paths are RFC 3986 absolute paths (never `//host`, a space or a line break), header names are RFC 9110 tokens,
header values carry no control characters, patterns compile in RE2, and hosts are normalised as the URL
library will connect to them and refused when they are link-local, metadata or unspecified addresses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field

from common.http import addresses
from common.http.patterns import PatternError, compile_pattern
from common.http.read_limits import HEADER_LINE_BYTES

# RFC 3986 pchar: unreserved, percent-encoded, sub-delims, ":" and "@".
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
# path-absolute: "/" alone, or "/" then a non-empty segment ("//x" would name a host), then "/"-separated segments.
PATH_PATTERN = rf"^/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?$"
HEALTH_PATH_PATTERN = rf"^/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?(?:\?(?:{_PCHAR}|[/?])*)?$"
FIELD_NAME_PATTERN = r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$"
FIELD_VALUE_PATTERN = r"^[^\x00-\x08\x0a-\x1f\x7f]*$"
MAX_PATH_LENGTH = 2048
# Headers a request may not set: hop-by-hop ones (RFC 9110 section 7.6.1: Connection and the fields it names, Proxy-*,
# TE, Trailer, Upgrade, Keep-Alive) and the ones that frame the message (RFC 9112 section 6: Transfer-Encoding,
# Content-Length; Expect changes when the body is sent). The HTTP client writes the framing from the body; a second,
# contradicting Transfer-Encoding or Content-Length lets the body smuggle another request to the target.
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {"connection", "content-length", "expect", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"}
)
# Labels of the two kinds of header value; never valid header names, so an error path can leave them out.
TEXT_TAG, SECRET_TAG = "<text>", "<secret>"


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    """A validator with a message a person can act on (pydantic's own would print the whole pattern)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):  # `$` alone would also match before a final line break
            raise ValueError(f"{value[:100]!r} is not {what}")
        return value

    return check


def _request_header(name: str) -> str:
    lowered = name.lower()
    if lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith("proxy-"):
        raise ValueError(
            f"the header {name} may not be set: it is a hop-by-hop or framing header (RFC 9110 section 7.6.1, RFC 9112 "
            "section 6), which the HTTP client writes from the request itself"
        )
    return name


def _compiles(pattern: str) -> str:
    try:
        compile_pattern(pattern)
    except PatternError as error:
        raise ValueError(str(error)) from error
    return pattern


def _target_host(host: str) -> str:
    """A host a request may name: one host name or address, no port, not a forbidden address."""
    try:
        reason = addresses.forbidden_host(host)
    except addresses.AddressError as error:
        raise ValueError(f"{error} (a host name or address, without port or path)") from error
    if reason:
        raise ValueError(reason)
    return host


def check_host_header(value: str) -> None:
    """A Host header value: `host[:port]`, its host not a forbidden address. Raises ValueError."""
    try:
        host, _ = addresses.split_host_header(value)
        reason = addresses.forbidden_host(host)
    except addresses.AddressError as error:
        raise ValueError(str(error)) from error
    if reason:
        raise ValueError(f"a Host header may not name it: {reason}")


HttpPath = Annotated[
    str,
    AfterValidator(_matching(PATH_PATTERN, "an absolute path: one leading '/', no '//', query, space or line break")),
    Field(
        max_length=MAX_PATH_LENGTH,
        json_schema_extra={"pattern": PATH_PATTERN},
        description="An absolute path (RFC 3986): no scheme, host, query, space or line break.",
    ),
]
HealthPath = Annotated[
    str,
    AfterValidator(_matching(HEALTH_PATH_PATTERN, "an absolute path: one leading '/', no '//', space or line break")),
    Field(
        max_length=MAX_PATH_LENGTH,
        json_schema_extra={"pattern": HEALTH_PATH_PATTERN},
        description="An absolute path (RFC 3986), optionally with a query: no scheme, host, space or line break.",
    ),
]
HeaderName = Annotated[
    str,
    AfterValidator(_matching(FIELD_NAME_PATTERN, "a header name (letters, digits and !#$%&'*+-.^_`|~)")),
    Field(max_length=256, json_schema_extra={"pattern": FIELD_NAME_PATTERN}),
]
RequestHeaderName = Annotated[
    HeaderName,
    AfterValidator(_request_header),
    Field(
        description="A header a request sends: not hop-by-hop or framing (Connection, Transfer-Encoding, Proxy-*...)."
    ),
]
HeaderValue = Annotated[
    str,
    AfterValidator(_matching(FIELD_VALUE_PATTERN, "a header value (no line break or other control character)")),
    Field(max_length=HEADER_LINE_BYTES, json_schema_extra={"pattern": FIELD_VALUE_PATTERN}),
]
Pattern = Annotated[
    str,
    AfterValidator(_compiles),
    Field(description="A regular expression in RE2 syntax (no backreferences or lookaround)."),
]
TargetHost = Annotated[str, AfterValidator(_target_host), Field(max_length=addresses.MAX_HOST_LENGTH + 2)]
