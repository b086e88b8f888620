"""Custom checks against real loopback webhooks (fault modes, hostile answers), and Lambda Invoke as AWS answers."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY

import common.secrets.values
from common.config import LambdaCheck, SecretRef, WebhookCheck
from common.payload.check_contract import CheckRequest
from common.payload.limits import CHECK_BUDGETS
from common.payload.models import Plan, PlannedCheck, ValidationStatus
from common.payload.validation import run
from common.runtime.environment import SyntheticSettings
from common.secrets.redact import MARK, Redactor
from custom_checks.checks import UnknownCheckError, find_check, run_check
from tests.support.hostile import Hostile, hostile_service
from tests.support.servers import Behaviour, closed_port, serve
from tests.support.stubs import stubbed

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
    with serve(Behaviour(hang_s=5)) as (url, _):
        started = time.monotonic()
        outcome = run_check(plan(), webhook(url, timeout_seconds=0.5), resolve)
        took = time.monotonic() - started
    assert outcome.status is ValidationStatus.ERROR
    assert "no complete answer within 0.5 s" in outcome.reason
    assert took < 2.0


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


# --- Lambda checks: Invoke as botocore's model says AWS answers it -----------------------------------------------


def lambda_check(**settings: Any) -> LambdaCheck:
    return LambdaCheck.model_validate(
        {"name": "db", "function": "greenlight-check-db", "timeout_seconds": 2, **settings}
    )


def payload(document: Any) -> StreamingBody:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    import io

    return StreamingBody(io.BytesIO(raw), len(raw))


def test_a_lambda_check_is_invoked_with_the_document_and_answers_the_same_way() -> None:
    with stubbed("lambda") as (client, stubber):
        answer = {"StatusCode": 200, "ExecutedVersion": "7", "Payload": payload({"status": "passed", "reason": "ok"})}
        stubber.add_response(
            "invoke",
            answer,
            {
                "FunctionName": "greenlight-check-db",
                "InvocationType": "RequestResponse",
                "Payload": ANY,
                "Qualifier": "live",
            },
        )
        outcome = run_check(plan(), lambda_check(function="greenlight-check-db:live"), resolve, lambda: client)
    assert outcome.status is ValidationStatus.PASSED and outcome.observed["executed_version"] == "7"
    assert outcome.expected["function"] == "greenlight-check-db:live"


def test_a_lambda_check_that_raises_is_an_error_with_its_message() -> None:
    error = {"errorType": "KeyError", "errorMessage": "'orders_table'", "stackTrace": []}
    with stubbed("lambda") as (client, stubber):
        stubber.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": payload(error)})
        outcome = run_check(plan(), lambda_check(), resolve, lambda: client)
    assert outcome.status is ValidationStatus.ERROR
    assert "function greenlight-check-db failed (Unhandled): KeyError: 'orders_table'" in outcome.reason


def test_a_lambda_check_past_its_own_timeout_is_an_error_as_lambda_reports_it() -> None:
    timed_out = {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: 1 Error: Task timed out after 3.00 seconds",
    }
    with stubbed("lambda") as (client, stubber):
        stubber.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": payload(timed_out)})
        outcome = run_check(plan(), lambda_check(), resolve, lambda: client)
    assert outcome.status is ValidationStatus.ERROR and "Sandbox.Timedout" in outcome.reason


class SlowLambda:
    """Lambda as a function slower than the check's deadline makes it: the answer comes, too late."""

    def __init__(self, client: Any, seconds: float) -> None:
        self.client, self.seconds = client, seconds

    def invoke(self, **params: Any) -> Any:
        time.sleep(self.seconds)
        return self.client.invoke(**params)


def test_a_lambda_check_slower_than_its_deadline_is_an_error_at_the_deadline() -> None:
    with stubbed("lambda") as (client, stubber):
        stubber.add_response("invoke", {"StatusCode": 200, "Payload": payload({"status": "passed", "reason": "late"})})
        started = time.monotonic()
        outcome = run_check(plan(), lambda_check(timeout_seconds=0.3), resolve, lambda: SlowLambda(client, 0.8))
        took = time.monotonic() - started
        time.sleep(0.7)  # let the abandoned invocation finish, so the stub is used
    assert outcome.status is ValidationStatus.ERROR
    assert "gave no answer within 0.3 s" in outcome.reason and took < 0.7


def test_lambda_refusing_the_invocation_is_an_error_naming_the_code() -> None:
    with stubbed("lambda") as (client, stubber):
        stubber.add_client_error("invoke", "ResourceNotFoundException", "Function not found: greenlight-check-db")
        outcome = run_check(plan(), lambda_check(), resolve, lambda: client)
    assert outcome.status is ValidationStatus.ERROR
    assert "Lambda refused the invocation: ResourceNotFoundException" in outcome.reason


def test_the_check_is_found_in_the_plan_by_name_and_kind() -> None:
    given = plan(lambda_checks=[{"name": "db", "function": "acme-check-db"}])
    found = find_check(given, PlannedCheck(name="db", kind="lambda", planned=True), "acme-check-")
    assert isinstance(found, LambdaCheck)
    with pytest.raises(ValueError, match="does not start with greenlight-check-"):
        find_check(given, PlannedCheck(name="db", kind="lambda", planned=True), "greenlight-check-")
    with pytest.raises(UnknownCheckError):
        find_check(given, PlannedCheck(name="db", kind="webhook", planned=True), "acme-check-")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        # Two `status` members: Python's parser keeps the last, another the first; a gate never guesses.
        (b'{"status": "failed", "reason": "3 orders failed", "status": "passed"}', "status given twice"),
        (b'{"status": "passed", "reason": "x", "observed": {"p99": 1, "p99": 2}}', "p99 given twice"),
        # NaN and Infinity are not JSON (RFC 8259 section 6): what would carry them on is not JSON either.
        (b'{"status": "passed", "reason": "x", "observed": {"ratio": NaN}}', "NaN"),
        (b'{"status": "passed", "reason": "x", "observed": {"p99": -Infinity}}', "-Infinity"),
    ],
)
def test_an_ambiguous_or_non_json_answer_is_an_error_never_a_pass(body: bytes, named: str) -> None:
    with serve(Behaviour(body=body)) as (url, _):
        outcome = run_check(plan(), webhook(url), resolve)
    assert outcome.status is ValidationStatus.ERROR
    assert named in outcome.reason and outcome.reason.startswith("The smoke check")


def test_an_ambiguous_answer_is_an_error_under_expectations_too() -> None:
    body = b'{"ok": false, "ok": true}'
    check = webhook("http://127.0.0.1:1", expect={"json": [{"path": "ok", "equals": True}]})
    with serve(Behaviour(body=body)) as (url, _):
        outcome = run_check(plan(), check.model_copy(update={"url": url}), resolve)
    assert outcome.status is ValidationStatus.ERROR and "ok given twice" in outcome.reason
