"""Custom checks against real loopback webhooks (fault modes, hostile answers); Lambda checks are in
test_custom_checks_lambda.py."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

import common.secrets.values
from common.payload.check_contract import CheckRequest
from common.payload.limits import CHECK_BUDGETS
from common.payload.models import ValidationStatus
from common.payload.validation import run
from common.runtime.environment import SyntheticSettings
from common.secrets.redact import MARK, Redactor
from custom_checks.checks import run_check
from tests.functions.custom_checks.conftest import SECRET, plan, resolve, webhook
from tests.support.hostile import Hostile, hostile_service
from tests.support.servers import Behaviour, closed_port, serve


def test_a_webhook_gets_the_document_and_its_answer_is_the_result() -> None:
    answer = {"status": "failed", "reason": "checkout answered 500 for 3 of 10 orders", "observed": {"errors": 3}}
    with serve(Behaviour(body=answer)) as (url, behaviour):
        outcome = run_check(plan(), webhook(f"{url}/checks/smoke"), resolve)
    # THEN the check's own status and reason are the result, with what it observed
    assert outcome.status is ValidationStatus.FAILED
    assert outcome.reason == "checkout answered 500 for 3 of 10 orders"
    assert outcome.observed["errors"] == 3 and outcome.observed["http_status"] == 200
    # ... and the webhook was POSTed the documented request, as JSON
    sent = behaviour.requests[0]
    assert (sent["method"], sent["path"], sent["headers"]["Content-Type"]) == (
        "POST",
        "/checks/smoke",
        "application/json",
    )
    document = CheckRequest.model_validate_json(sent["body"])
    assert (document.check, document.application, document.group) == ("smoke", "orders", "orders-dg")
    assert document.green.test_url == "http://127.0.0.1:9000" and document.green.target_group is not None
    assert document.dry_run is True and document.deployment_id == "d-CHECK1234"


@pytest.mark.parametrize("status", ["passed", "inconclusive"])
def test_each_status_a_check_may_answer_is_taken(status: str) -> None:
    with serve(Behaviour(body={"status": status, "reason": "as seen"})) as (url, _):
        outcome = run_check(plan(), webhook(url), resolve)
    assert outcome.status is ValidationStatus(status)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"status": "ok", "reason": "fine"}, "status: Input should be 'passed', 'failed' or 'inconclusive'"),
        ({"status": "passed"}, "reason: Field required"),
        ({"status": "passed", "reason": "x", "Observed": {}}, "Observed: unknown key; did you mean observed?"),
        (["passed"], "the answer: Input should be a valid mapping"),
        (b"<html>all good</html>", "body is not JSON"),
        (b"[" * 5000, "nested deeper than 64 levels"),
    ],
)
def test_a_malformed_answer_is_an_error_naming_what_is_wrong(body: Any, named: str) -> None:
    with serve(Behaviour(body=body)) as (url, _):
        outcome = run_check(plan(), webhook(url), resolve)
    assert outcome.status is ValidationStatus.ERROR
    assert named in outcome.reason and outcome.reason.startswith("The smoke check")


def test_a_5xx_or_a_redirect_is_an_error_not_a_failure() -> None:
    with serve(Behaviour(status=503, body={"message": "down for maintenance"})) as (url, _):
        outcome = run_check(plan(), webhook(url), resolve)
    assert outcome.status is ValidationStatus.ERROR
    assert "answered HTTP 503" in outcome.reason and "down for maintenance" in outcome.reason
    with serve(Behaviour(redirect_to="http://127.0.0.1:1/elsewhere")) as (url, _):
        outcome = run_check(plan(), webhook(url), resolve)
    assert "HTTP 302, a redirect, which is not followed" in outcome.reason


def test_a_slow_webhook_is_an_error_within_its_deadline() -> None:
    hold = threading.Event()
    with serve(Behaviour(hold=hold)) as (url, behaviour):
        outcome = run_check(plan(), webhook(url, timeout_seconds=0.5), resolve)
        hold.set()  # the service lets go only now: the verdict came without waiting for it
    assert outcome.status is ValidationStatus.ERROR
    assert "no complete answer within 0.5 s" in outcome.reason
    assert behaviour.held_out == 0


@pytest.mark.parametrize(("mode", "named"), [("gigabyte", "body over 1 MiB"), ("endless", "body over 1 MiB")])
def test_a_huge_answer_is_refused_at_the_cap(mode: str, named: str) -> None:
    with hostile_service(Hostile(mode, hostile_health=True, max_seconds=10)) as url:
        outcome = run_check(plan(), webhook(url, timeout_seconds=5), resolve)
    assert outcome.status is ValidationStatus.ERROR and named in outcome.reason


def test_a_webhook_nobody_listens_on_is_an_error() -> None:
    outcome = run_check(plan(), webhook(f"http://127.0.0.1:{closed_port()}/"), resolve)
    assert outcome.status is ValidationStatus.ERROR and "connection refused by 127.0.0.1:" in outcome.reason


def test_a_name_resolving_to_a_metadata_address_is_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a name the config allows, which DNS turns into the instance metadata address at run time
    import socket

    real = socket.getaddrinfo

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    outcome = run_check(plan(), webhook("http://hooks.example.test/check"), resolve)
    assert outcome.status is ValidationStatus.ERROR
    assert "169.254.169.254" in outcome.reason and "link-local" in outcome.reason


def test_expectations_judge_a_json_path_of_the_answer() -> None:
    expect = {"json": [{"path": "$.checks.payments", "equals": "green"}, {"path": "version", "exists": True}]}
    with serve(Behaviour(body={"checks": {"payments": "red"}, "version": "1.2"})) as (url, _):
        failed = run_check(plan(), webhook(url, expect=expect), resolve)
    with serve(Behaviour(body={"checks": {"payments": "green"}, "version": "1.2"})) as (url, _):
        passed = run_check(plan(), webhook(url, expect=expect), resolve)
    assert failed.status is ValidationStatus.FAILED
    assert 'json checks.payments = "red", expected "green"' in failed.reason
    assert passed.status is ValidationStatus.PASSED and passed.expected["json"][0]["equals"] == "green"


def test_a_secret_header_is_sent_and_never_reported_even_when_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a webhook whose Authorization header is a secret (read through the group's scoped session), and a service
    # that echoes it back in its answer
    monkeypatch.setattr(common.secrets.values.SecretReader, "read", lambda self, reference: SECRET)
    redactor = Redactor()
    resolve = common.secrets.values.resolver(plan(), SyntheticSettings(), redactor)
    headers = {"Authorization": {"secretsmanager": "greenlight/tenants/orders/orders-dg/hook"}}
    expect = {"json": [{"path": "echo", "equals": "nothing"}]}
    with hostile_service(Hostile("echo", hostile_health=True)) as url:
        check = webhook(url, headers=headers, expect=expect)
        result = run("smoke", True, lambda: run_check(plan(), check, resolve), redactor, budgets=CHECK_BUDGETS)
    # THEN the check ran, the service saw the secret, and the result quotes the echo with the secret cut out
    assert result["status"] == "failed" and "echo" in json.dumps(result["observed"])
    assert SECRET not in json.dumps(result) and MARK in json.dumps(result)
