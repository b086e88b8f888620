"""Lambda checks: Invoke as botocore's model says AWS answers it: the document sent, a function that raises or times
out, a deadline, a refused invocation, and an answer that is ambiguous or not JSON (an error, never a pass)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY

from common.config import LambdaCheck
from common.payload.models import PlannedCheck, ValidationStatus
from custom_checks.checks import UnknownCheckError, find_check, run_check
from tests.functions.custom_checks.conftest import plan, resolve, webhook
from tests.support.servers import Behaviour, serve
from tests.support.stubs import stubbed

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


class HeldLambda:
    """Lambda as a function slower than the check's deadline makes it: its answer comes only once the test lets it."""

    def __init__(self, client: Any) -> None:
        self.client, self.release, self.answered = client, threading.Event(), threading.Event()

    def invoke(self, **params: Any) -> Any:
        self.release.wait(timeout=30)
        try:
            return self.client.invoke(**params)
        finally:
            self.answered.set()


def test_a_lambda_check_slower_than_its_deadline_is_an_error_at_the_deadline() -> None:
    with stubbed("lambda") as (client, stubber):
        stubber.add_response("invoke", {"StatusCode": 200, "Payload": payload({"status": "passed", "reason": "late"})})
        held = HeldLambda(client)
        outcome = run_check(plan(), lambda_check(timeout_seconds=0.3), resolve, lambda: held)
        unanswered_at_the_verdict = not held.answered.is_set()  # the check did not wait for the function
        held.release.set()
        assert held.answered.wait(timeout=30)  # the abandoned invocation finishes, so the stub is used
    assert outcome.status is ValidationStatus.ERROR
    assert "gave no answer within 0.3 s" in outcome.reason and unanswered_at_the_verdict


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
