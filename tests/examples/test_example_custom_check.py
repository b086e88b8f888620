"""The example custom check (examples/custom-checks/): it speaks the documented contract, as a webhook and as a Lambda
check, and tells a good release from a bad one."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import yaml

from common.config import SecretRef, WebhookCheck, validate
from common.payload.check_contract import CheckAnswer
from common.payload.models import Plan, ValidationStatus
from custom_checks.checks import request_for, run_check
from greenlight.cli.sample_service import GOOD, Release, SampleService
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "custom-checks"
BROKEN = Release(version="v4-broken", error_ratio=1.0)


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("smoke_check", EXAMPLE / "src" / "smoke_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def schema(name: str) -> dict[str, Any]:
    return dict(json.loads((ROOT / "docs" / f"check-{name}.schema.json").read_text()))


def plan_for(url: str) -> Plan:
    return Plan.model_validate(
        {
            "request": {"deployment_id": "d-ORDERS123", "lifecycle_event_hook_execution_id": "hook-1"},
            "lifecycle_event": "AfterAllowTestTraffic",
            "application_name": "orders",
            "deployment_group_name": "orders-dg",
            "green": {"name": "orders-green"},
            "test_url": url,
            "config": {},
        }
    )


def document(url: str) -> dict[str, Any]:
    check = WebhookCheck(name="orders-smoke", url="http://127.0.0.1:9/check")
    return request_for(plan_for(url), check, datetime.now(UTC) + timedelta(seconds=20)).model_dump(mode="json")


@pytest.mark.parametrize(("release", "status"), [(GOOD, "passed"), (BROKEN, "failed")])
def test_the_example_answers_the_documented_request_with_the_documented_answer(release: Release, status: str) -> None:
    with SampleService(release) as service:
        request = document(service.url)
        jsonschema.validate(request, schema("request"))
        answer = example().handler(request, None)
    jsonschema.validate(answer, schema("answer"))
    assert CheckAnswer.model_validate(answer).status == status
    if status == "failed":
        assert answer["reason"] == "/api/items: HTTP 500"


@contextmanager
def example_webhook() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), example()._Webhook)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/check"
    finally:
        server.shutdown()
        server.server_close()


def test_the_example_as_a_webhook_judges_green_through_greenlights_client() -> None:
    with SampleService(GOOD) as service, example_webhook() as url:
        outcome = run_check(plan_for(service.url), WebhookCheck(name="orders-smoke", url=url), lambda ref: "")
    assert outcome.status is ValidationStatus.PASSED and "GREEN of orders/orders-dg" in outcome.reason


def test_the_example_config_is_valid_and_names_the_deployed_function() -> None:
    config = validate(yaml.safe_load((EXAMPLE / "greenlight.yaml").read_text()), "examples/custom-checks")
    template = (EXAMPLE / "template.yaml").read_text()
    assert config.lambda_checks[0].function == "greenlight-check-orders-smoke"
    assert "FunctionName: !Sub ${CheckFunctionPrefix}${CheckName}" in template and "Default: orders-smoke" in template
    assert isinstance(config.webhooks[0].headers["Authorization"], SecretRef)


@pytest.mark.parametrize("paths", ["", ","])
def test_the_example_with_no_path_to_check_never_passes(monkeypatch: pytest.MonkeyPatch, paths: str) -> None:
    # SmokePaths left empty (a deployment parameter) checks nothing: "0 paths answered 200" let a broken GREEN through.
    monkeypatch.setenv("SMOKE_PATHS", paths)
    with SampleService(BROKEN) as service:
        answer = example().handler(document(service.url), None)
    assert answer["status"] == "inconclusive" and "SMOKE_PATHS" in answer["reason"]
