"""Tracing in the embedded engine: off, as Powertools turns it off outside Lambda, without loading the X-Ray SDK.

Powertools' Tracer loads its default provider, the X-Ray SDK's recorder, even when tracing is off; making the
recorder makes two X-Ray clients for its sampler (each reads botocore's endpoints and the X-Ray model): about a
fifth of a second of every local run's start. With tracing off that recorder only ever hands out dummy segments,
so the engine gives the Tracer a provider that does the same without the SDK. Powertools keeps the first
provider it is given for the whole process (its documented reuse of a Tracer's settings); on Lambda the functions
never run this, so they trace through X-Ray as the template says (`Tracing: Active`).
"""

from __future__ import annotations

import numbers
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


class NoSegment(BaseSegment):
    """What a disabled X-Ray recorder hands out (its DummySubsegment): everything is accepted, nothing sent."""

    def close(self, end_time: int | None = None) -> None:
        return None

    def add_subsegment(self, subsegment: Any) -> None:
        return None

    def remove_subsegment(self, subsegment: Any) -> None:
        return None

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        return None


class NoTracing(BaseProvider):
    """A Powertools tracing provider for a process where tracing is off."""

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        yield NoSegment()

    def put_annotation(self, key: str, value: str | numbers.Number | bool) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def patch(self, modules: Sequence[str]) -> None:
        return None

    def patch_all(self) -> None:
        return None


def install() -> None:
    """Before the functions make their Tracer: tracing off, with no X-Ray SDK (the engine's environment already
    says POWERTOOLS_TRACE_DISABLED). Every Tracer made after this gets this provider; one made earlier keeps its own."""
    Tracer(provider=NoTracing(), disabled=True)
