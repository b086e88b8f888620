"""Config files built to break a gate that reads them, each with what its refusal must name.

The CLI (exit 2), Prepare (a Failed verdict) and the file-level fuzz tests share them; bench/bad_configs.py
measures how long and how much memory each refusal takes.
"""

from __future__ import annotations


def alias_bomb(levels: int = 9) -> bytes:
    """The classic "billion laughs" in YAML: 778 bytes that expand to 9**9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return ("\n".join(lines) + f"\nhealth: {{path: /}}\nsynthetic: {{requests: [{{body: *{previous}}}]}}\n").encode()


# name -> (file contents, a phrase the one-line refusal must contain)
BAD_CONFIGS: dict[str, tuple[bytes, str]] = {
    "alias bomb": (alias_bomb(), "YAML alias"),
    "alias bomb, one size smaller": (alias_bomb(8), "YAML alias"),
    "duplicate keys": (b"metrics: {max_5xx_rate: 0.01}\nhealth: {path: /health}\nmetrics: {enabled: false}\n", "twice"),
    "merge key": (b"base: {enabled: true}\nmetrics:\n  <<: {enabled: false}\n", "merge key"),
    "binary": (bytes(range(256)), "not UTF-8"),
    "latin-1": ("health: {path: /café}\n".encode("latin-1"), "not UTF-8"),
    "5000-digit integer": (b"synthetic: {total_requests: " + b"9" * 5000 + b"}\n", "out of range"),
    "64-bit overflow": (b"metrics: {min_request_count: 99999999999999999999}\n", "out of range"),
    "50k-deep nesting": (b"x: " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "8192 bytes"),
    "4k-deep nesting": (b"x: " + b"[" * 4_000 + b"]" * 4_000 + b"\n", "deeper than 32"),
    "oversized": (b"# " + b"x" * 9000 + b"\n", "8192 bytes"),
    "NaN threshold": (b"metrics: {max_p99_seconds: .nan}\n", "NaN and infinities"),
    "infinite threshold": (b"metrics: {checks: [{name: c, namespace: N, metric: M, threshold: -.inf}]}\n", "NaN"),
    "overflowing float": (b"synthetic: {max_p99_ms: 1e999}\n", "synthetic.max_p99_ms"),
    "NaN as text": (b'{"synthetic": {"max_p99_ms": "NaN"}}\n', "synthetic.max_p99_ms"),
    "Infinity as text": (b'{"metrics": {"max_5xx_rate": "Infinity"}}\n', "metrics.max_5xx_rate"),
    "invalid regex": (b"synthetic: {requests: [{expect: {json: [{path: a, matches: '['}]}}]}\n", "matches"),
    "backreference": (b"synthetic: {requests: [{expect: {headers: {X-A: '(a)\\1'}}}]}\n", "headers.X-A"),
    "lookahead": (b"synthetic: {requests: [{expect: {headers: {X-A: '(?=a)'}}}]}\n", "headers.X-A"),
    "health path //": (b"health: {path: //health}\n", "health.path"),
    "health path with a space": (b"health: {path: '/he alth'}\n", "health.path"),
    "health path with CRLF": (b'health: {path: "/health\\r\\nX-Injected: 1"}\n', "health.path"),
    "request path with a query": (b"synthetic: {requests: [{path: '/a?b=1'}]}\n", "synthetic.requests.0.path"),
    "host with a port": (b"synthetic: {allowed_hosts: ['127.0.0.1:9']}\n", "synthetic.allowed_hosts.0"),
    "request host with a port": (b"synthetic: {requests: [{host: '127.0.0.1:9'}]}\n", "synthetic.requests.0.host"),
    "metadata host allowed": (b"synthetic: {allowed_hosts: ['::ffff:a9fe:a9fe']}\n", "link-local"),
    "Host header with two hosts": (
        b"synthetic: {requests: [{headers: {Host: '127.0.0.1:80 169.254.169.254'}}]}\n",
        "synthetic.requests.0",
    ),
    "header with CRLF": (b'synthetic: {requests: [{headers: {X-A: "v\\r\\nX-B: w"}}]}\n', "headers.X-A"),
    "zero interval": (b"health: {interval_seconds: 0}\n", "health.interval_seconds"),
    "too small interval": (b"health: {interval_seconds: 0.01}\n", "health.interval_seconds"),
    "request outlasting the check": (
        b"health: {timeout_seconds: 5, request_timeout_seconds: 10}\n",
        "request_timeout_seconds",
    ),
    "traffic outlasting the function": (
        b"synthetic: {duration_seconds: 600, request_timeout_seconds: 60}\nmetrics: {bake_seconds: 600}\n",
        "timeout_seconds",
    ),
    "answers over the memory budget": (b"synthetic: {concurrency: 256, max_body_bytes: 16777216}\n", "MiB"),
    "binary tag": (b"synthetic: {requests: [{body: !!binary aGVsbG8=}]}\n", "tag"),
    "set tag": (b"synthetic: {requests: [{body: !!set {a, b}}]}\n", "tag"),
    "non-string key": (b"health: {1: 2}\n", "not a string"),
    "not a mapping": (b"- health\n", "mapping"),
}
