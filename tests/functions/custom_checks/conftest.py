"""What the custom checks' tests share: a plan naming the checks, and the secret they may send."""

from __future__ import annotations

from typing import Any

from common.config import SecretRef, WebhookCheck
from common.payload.models import Plan

SECRET = "hook-token-4f9a2c"


def plan(**config: Any) -> Plan:
    return Plan.model_validate(
        {
            "request": {"deployment_id": "d-CHECK1234", "lifecycle_event_hook_execution_id": "hook-1"},
            "lifecycle_event": "AfterAllowTestTraffic",
            "application_name": "orders",
            "deployment_group_name": "orders-dg",
            "green": {"name": "orders-green", "arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:tg/g/1"},
            "blue": {"name": "orders-blue"},
            "test_url": "http://127.0.0.1:9000",
            "config": config,
        }
    )


def webhook(url: str, **settings: Any) -> WebhookCheck:
    return WebhookCheck.model_validate({"name": "smoke", "url": url, "timeout_seconds": 2, **settings})


def resolve(reference: SecretRef) -> str:
    return SECRET
