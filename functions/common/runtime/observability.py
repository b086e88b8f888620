"""Logger, Tracer and Metrics, created once for every function.

Tracer and Metrics are built on first use, so the hook, which needs only the logger, does not pay for
importing the X-Ray SDK at cold start. Every log record is scrubbed of the secrets of the check running
(common.secrets.redact) before it is written: a log line is text leaving a validator too.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from common.secrets import redact

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

SERVICE = "greenlight"
METRICS_NAMESPACE = "Greenlight"


class RedactingFilter(logging.Filter):
    """Cuts the running check's secrets from a record's message, arguments and extra keys."""

    def filter(self, record: logging.LogRecord) -> bool:
        redactor = redact.current()
        if not redactor:
            return True
        for key, value in list(vars(record).items()):
            if isinstance(value, str | dict | list) and key not in ("args", "exc_info"):
                setattr(record, key, redactor.scrub(value))
        if isinstance(record.args, tuple):
            record.args = tuple(redactor.scrub(list(record.args)))
        elif isinstance(record.args, dict):
            record.args = redactor.scrub(record.args)
        return True


logger = Logger(service=SERVICE)
logger.addFilter(RedactingFilter())


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
