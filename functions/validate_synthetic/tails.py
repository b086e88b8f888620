"""GREEN's tail against BLUE's, request kind by request kind: the same requests compared like for like.

Pooling every kind of request hides one endpoint's slow tail among the others' fast answers (a 10 % tail of one of
two endpoints is 5 % of all answers). So each request kind with at least `min_samples` answers from both is judged
on its own, its p95 and p99 (tailtest); the confidence is split between the kinds compared (Bonferroni), so
together they hold at 1 - alpha. A scenario of one kind, or kinds too small to judge alone, is judged pooled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.config.sections.synthetic import CompareWithBlueConfig
from validate_synthetic.tailtest import TailRatio, tail_ratios
from validate_synthetic.traffic import Sample


@dataclass(frozen=True)
class RequestTail:
    request: str | None  # None: every request kind pooled
    ratio: TailRatio

    @property
    def quantile(self) -> str:
        return f"p{round(self.ratio.quantile * 100)}"

    def slower(self, config: CompareWithBlueConfig) -> bool:
        """Significantly and materially slower: the bound above the ratio allowed, and more than the increase."""
        ratio = self.ratio
        return (
            ratio.lower_bound > config.max_tail_ratio and ratio.green_ms - ratio.blue_ms > config.min_tail_increase_ms
        )

    def over_here(self, config: CompareWithBlueConfig) -> bool:
        """Over both limits in these answers, whether or not beyond chance (the bound says that)."""
        ratio = self.ratio
        return ratio.ratio > config.max_tail_ratio and ratio.green_ms - ratio.blue_ms > config.min_tail_increase_ms

    def phrase(self, config: CompareWithBlueConfig) -> str:
        ratio = self.ratio
        who = f"{self.request}: " if self.request else ""
        return (
            f"{who}{self.quantile} {ratio.green_ms:.0f} vs {ratio.blue_ms:.0f} ms (ratio {ratio.ratio:.3g}, at least "
            f"{ratio.lower_bound:.3g} with {ratio.confidence:.2%} confidence; limit {config.max_tail_ratio:g}x and "
            f"+{config.min_tail_increase_ms:g} ms)"
        )

    def as_dict(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "request": self.request or "all requests",
            "quantile": self.quantile,
            "green_ms": round(ratio.green_ms, 1),
            "blue_ms": round(ratio.blue_ms, 1),
            "ratio": float(f"{ratio.ratio:.4g}"),
            "lower_bound": float(f"{ratio.lower_bound:.4g}"),
            "confidence": round(ratio.confidence, 5),
        }


def _latencies(samples: list[Sample], request: str | None = None) -> list[float]:
    return sorted(s.latency_ms for s in samples if s.complete and (request is None or s.request == request))


def tails_by_request(green: list[Sample], blue: list[Sample], config: CompareWithBlueConfig) -> list[RequestTail]:
    kinds = list(dict.fromkeys(s.request for s in green))
    groups: list[tuple[str | None, list[float], list[float]]] = []
    if len(kinds) > 1:
        for kind in kinds:
            mine, theirs = _latencies(green, kind), _latencies(blue, kind)
            if min(len(mine), len(theirs)) >= config.min_samples:
                groups.append((kind, mine, theirs))
    if not groups:
        groups = [(None, _latencies(green), _latencies(blue))]
    each = config.alpha / len(groups)
    return [RequestTail(kind, ratio) for kind, mine, theirs in groups for ratio in tail_ratios(mine, theirs, each)]
