"""Logger, Tracer and Metrics, created once for every function.

Tracer and Metrics are built on first use, so the hook, which needs only the logger, does not pay for
importing the X-Ray SDK at cold start.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

SERVICE = "greenlight"
METRICS_NAMESPACE = "Greenlight"

logger = Logger(service=SERVICE)


@cache
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


@cache
def metrics() -> Metrics:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=METRICS_NAMESPACE, service=SERVICE)


def bind_request(deployment_id: str, lifecycle_event_hook_execution_id: str) -> None:
    """Every log line after this carries the two ids a person searches by."""
    logger.append_keys(deployment_id=deployment_id, lifecycle_event_hook_execution_id=lifecycle_event_hook_execution_id)


def count(name: str, **dimensions: str) -> None:
    """One count of `name` (namespace Greenlight, dimension `service` and these), flushed at once as EMF."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    with single_metric(
        name, MetricUnit.Count, 1.0, namespace=METRICS_NAMESPACE, default_dimensions={"service": SERVICE, **dimensions}
    ):
        pass
