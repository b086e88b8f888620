"""What the report draws for the synthetic check: the latency distribution and the distinct failures.

Both are small by construction (a fixed number of buckets, a few distinct failures with one sample each), so a
result carrying them stays far below Step Functions' payload limit however many requests were sent.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from validate_synthetic.traffic import Sample

HISTOGRAM_BUCKETS = 24
MAX_DISTINCT_FAILURES = 10
# Latencies differ from answer to answer: "took 1234 ms" and "took 1301 ms" are the same failure.
_MEASURED = re.compile(r"\b\d+(?:\.\d+)? ms\b")


def latency_histogram(latencies: list[float], buckets: int = HISTOGRAM_BUCKETS) -> dict[str, list[Any]]:
    """Counts over geometric buckets from the fastest to the slowest answer (a timeout does not squash the rest)."""
    if not latencies:
        return {"edges_ms": [], "counts": []}
    low, high = max(min(latencies), 0.1), max(*latencies, 0.1)
    if high <= low * 1.01:
        return {"edges_ms": [round(low * 0.99, 2), round(high * 1.01, 2)], "counts": [len(latencies)]}
    ratio = (high / low) ** (1 / buckets)
    edges = [low * ratio**index for index in range(buckets + 1)]
    counts = [0] * buckets
    for latency in latencies:
        position = math.log(max(latency, low) / low, ratio) if latency > low else 0.0
        counts[min(int(position), buckets - 1)] += 1
    return {"edges_ms": [round(edge, 2) for edge in edges], "counts": counts}


def _problem(sample: Sample) -> str:
    return sample.detail or sample.error or "; ".join(sample.failed_expectations)


def distinct_failures(samples: list[Sample], limit: int = MAX_DISTINCT_FAILURES) -> list[dict[str, Any]]:
    """Each distinct failure (which request, which expectation) once, most frequent first, with one sample."""
    failing = [sample for sample in samples if not sample.ok]
    keys = Counter((sample.request, _MEASURED.sub("N ms", _problem(sample))) for sample in failing)
    first: dict[tuple[str, str], Sample] = {}
    for sample in failing:
        first.setdefault((sample.request, _MEASURED.sub("N ms", _problem(sample))), sample)
    return [
        {"request": key[0], "status": first[key].status, "problem": _problem(first[key]), "count": count}
        for key, count in keys.most_common(limit)
    ]


def synthetic_charts(samples: list[Sample]) -> dict[str, Any]:
    latencies = [sample.latency_ms for sample in samples if sample.status is not None and sample.error is None]
    return {"latency_histogram": latency_histogram(latencies)}
