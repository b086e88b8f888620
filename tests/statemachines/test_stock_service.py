"""A newcomer's service on Python's stock ThreadingHTTPServer (listen backlog 5), with a config of their own.

An emulated ALB that opened a connection per request overflowed that backlog: dropped SYNs are retried after a
second, and this healthy service failed 5 runs of 5 with `p99 latency 1032 ms is over 800 ms`. An ALB keeps its
connections to a target open, and so does the emulated one.
"""

from __future__ import annotations

import pytest

from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from tests.support.stock_service import stock_service

pytestmark = pytest.mark.engine

USER_CONFIG = """
health: {path: /health}
synthetic:
  max_p99_ms: 800
  requests:
    - path: /api/items
      expect:
        status: [200]
        json:
          - {path: items.0.id, equals: 1}
          - {path: version, matches: "^2\\\\."}
"""
RUNS = 5


def test_a_healthy_stock_service_passes_every_run(project: Project) -> None:
    verdicts = []
    for _ in range(RUNS):
        with stock_service() as url:
            report = run_local(LocalRunOptions(target_url=url, config_text=USER_CONFIG), project)
        synthetic = next(v for v in report.validations if v.name == "synthetic")
        assert synthetic.observed["requests"] == 300  # the default traffic, every answer judged
        assert synthetic.observed["failures_by_kind"] == {}, synthetic.reason
        verdicts.append(str(report.verdict))
    assert verdicts == ["Verdict.SUCCEEDED"] * RUNS
