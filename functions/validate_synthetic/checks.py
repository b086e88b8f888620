"""Synthetic requests: send the scenario, then judge the success ratio and latency against the config."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from common.config import Expectation, SecretRef, SyntheticConfig
from common.http.client import ReadLimits, TlsTarget
from common.payload.limits import cut_text
from common.payload.models import ValidationStatus
from common.payload.validation import Outcome
from common.runtime.standin_signals import no_blue_here
from validate_synthetic.baseline import compare, with_comparison
from validate_synthetic.charts import distinct_failures, synthetic_charts
from validate_synthetic.latency import observed_per_request, per_request
from validate_synthetic.ranksum import percentile
from validate_synthetic.traffic import Sample, prepare_requests, run_loop, run_traffic


def failure_kind(sample: Sample) -> str:
    """`status 503`, `json` or `header`: what broke first for this answer."""
    first = sample.failed_expectations[0]
    if first.startswith("status"):
        return f"status {sample.status}"
    return {"json": "json", "body": "json"}.get(first.split(" ", 1)[0], "header")


def summarize(samples: list[Sample]) -> dict[str, object]:
    # Latencies of complete answers only: a cut-off body or a refused head says nothing about the service's speed, and
    # a timeout is judged by the error budget here, and by the latency limits of its own request (latency.py).
    latencies = sorted(sample.latency_ms for sample in samples if sample.complete)
    breakdown: Counter[str] = Counter()
    for sample in samples:
        if sample.error:
            breakdown[sample.error] += 1
        elif sample.failed_expectations:
            breakdown[failure_kind(sample)] += 1
    ok = sum(1 for sample in samples if sample.ok)
    return {
        "requests": len(samples),
        "succeeded": ok,
        "success_ratio": round(ok / len(samples), 4) if samples else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "failures_by_kind": dict(breakdown),
        "distinct_failures": distinct_failures(samples),
    }


def check_synthetic(
    base_url: str,
    default_path: str,
    config: SyntheticConfig,
    resolve_secret: Callable[[SecretRef], str],
    tls: TlsTarget | None = None,
    blue_url: str | None = None,
) -> Outcome:
    """Send the scenario to GREEN (and, with `compare_with_blue`, to BLUE at `blue_url` at the same time), judge."""
    requests = prepare_requests(base_url, config, default_path, resolve_secret, tls)
    comparing = config.compare_with_blue is not None and blue_url is not None and not no_blue_here()
    blue_requests = prepare_requests(blue_url, config, default_path, resolve_secret, tls) if blue_url else []
    limits = ReadLimits(config.max_body_bytes, config.max_header_bytes)

    async def send_all() -> list[list[Sample]]:
        sends = [
            run_traffic(
                batch,
                config.total_requests,
                config.duration_seconds,
                config.concurrency,
                config.request_timeout_seconds,
                deadline_s=config.timeout_seconds,
                limits=limits,
            )
            for batch in ([requests, blue_requests] if comparing else [requests])
        ]
        return list(await asyncio.gather(*sends))

    green, *blue = run_loop(send_all())
    outcome = judge(green, config, {request.label: request.expect for request in requests})
    if base_url.startswith("https:") and tls is not None:
        outcome.observed |= {"tls_server_name": tls.server_name, "tls_verified": tls.verify}
    if config.compare_with_blue is not None:
        compared = compare(green, blue[0] if blue else None, config.compare_with_blue, blue_served=not no_blue_here())
        outcome = with_comparison(outcome, compared)
    outcome.charts = synthetic_charts(green)
    return outcome


def judge(
    samples: list[Sample], config: SyntheticConfig, expectations: dict[str, Expectation] | None = None
) -> Outcome:
    """The verdict on what came back: the success ratio, the p99 overall and per request kind, the slow answers of
    each request kind, and whether the deadline cut the traffic."""
    observed = summarize(samples)
    expected = {"min_success_ratio": config.min_success_ratio, "max_p99_ms": config.max_p99_ms}
    if not samples:
        return Outcome(ValidationStatus.INCONCLUSIVE, "No request was sent.", observed, expected, 0)
    latencies = per_request(samples, expectations or {})
    if listed := observed_per_request(latencies):
        observed["per_request"] = listed
    ratio, p99 = float(observed["success_ratio"]), float(observed["p99_ms"])  # type: ignore[arg-type]
    problems = []
    if not config.duration_seconds and len(samples) < config.total_requests:
        observed["stopped_at_deadline"] = True
        problems.append(
            f"only {len(samples)} of {config.total_requests} requests fit in the check's "
            f"{config.timeout_seconds:g} s deadline"
        )
    if ratio < config.min_success_ratio:
        kinds = ", ".join(f"{count} {kind}" for kind, count in observed["failures_by_kind"].items())  # type: ignore[attr-defined]
        worst = observed["distinct_failures"][0]  # type: ignore[index]
        problems.append(
            f"{ratio:.1%} of {len(samples)} requests succeeded, below the {config.min_success_ratio:.1%} required "
            f"({kinds}; most often {worst['request']}: {cut_text(worst['problem'], 200)})"
        )
    if p99 > config.max_p99_ms:
        problems.append(f"p99 latency of all answers {p99:.0f} ms is over the limit of {config.max_p99_ms:g} ms")
    problems += [problem for item in latencies for problem in item.problems()]
    if problems:
        return Outcome(ValidationStatus.FAILED, "; ".join(problems) + ".", observed, expected, len(samples))
    own = "; ".join(item.summary() for item in latencies if item.limited)
    reason = (
        f"{ratio:.1%} of {len(samples)} requests succeeded (at least {config.min_success_ratio:.1%} required), "
        f"p99 latency {p99:.0f} ms (limit {config.max_p99_ms:g} ms)" + (f"; {own}" if own else "") + "."
    )
    return Outcome(ValidationStatus.PASSED, reason, observed, expected, len(samples))
