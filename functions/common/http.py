"""One plain HTTP GET through the test listener, as a load balancer's health check makes it."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit


def probe(url: str, timeout: float) -> tuple[int | None, str]:
    """One GET, no redirects followed. Returns the status (None when nothing came back) and a description."""
    parts = urlsplit(url)
    connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(parts.hostname or "", parts.port, timeout=timeout)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers={"User-Agent": "greenlight-health"})
        response = connection.getresponse()
        response.read()
        return response.status, f"HTTP {response.status}"
    except TimeoutError:
        return None, f"no answer within {timeout:g} s"
    except OSError as error:
        return None, f"{type(error).__name__}: {error}"
    finally:
        connection.close()
