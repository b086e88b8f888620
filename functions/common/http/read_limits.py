"""The caps on one answer from a service, shared by the config (defaults) and the HTTP client (enforcement).

Kept apart from common.http.client so that reading the config does not import the HTTP client.
"""

from __future__ import annotations

DEFAULT_MAX_BODY_BYTES = 1 << 20
DEFAULT_MAX_HEADER_BYTES = 32 << 10  # an ALB refuses a target's response whose headers exceed 32 KiB
HEADER_LINE_BYTES = 8190  # aiohttp's own line limit, kept: the status line and each header line
MAX_HEADER_COUNT = 64
