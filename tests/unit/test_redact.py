"""Secrets never leave: whatever a check reports or logs, every form of every secret it used is cut out."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from common.models import ValidationStatus
from common.redact import MARK, Redactor
from common.validation import Outcome, run

pytestmark = pytest.mark.unit

SECRET = 'Bearer s3cr3t/"quoted"+\\back'


def redactor() -> Redactor:
    redactor = Redactor()
    assert redactor.add(SECRET) == SECRET  # registering hands the value back unchanged
    return redactor


@pytest.mark.parametrize(
    "quoted",
    [
        SECRET,
        json.dumps(SECRET),
        repr(SECRET),
        quote(SECRET, safe=""),
        base64.b64encode(SECRET.encode()).decode(),
        base64.urlsafe_b64encode(SECRET.encode()).decode(),
    ],
)
def test_each_form_a_report_may_quote_is_cut(quoted: str) -> None:
    text = redactor().text(f"header X-Echo = {quoted} does not match /^v2/")
    assert MARK in text and SECRET not in text and quoted not in text


def test_secrets_are_cut_from_keys_values_and_lists_however_deep() -> None:
    observed = {"first_failures": [{"problem": f"json echo = {SECRET!r}", SECRET: [SECRET]}], "count": 3}
    scrubbed = redactor().scrub(observed)
    assert SECRET not in json.dumps(scrubbed) and scrubbed["count"] == 3


def test_nothing_registered_changes_nothing() -> None:
    value = {"reason": "fine"}
    assert Redactor().scrub(value) is value


def test_run_cuts_secrets_from_the_result() -> None:
    outcome = Outcome(ValidationStatus.FAILED, f"saw {SECRET}", {"sample": SECRET}, {"header": SECRET})
    result = run("synthetic", False, lambda: outcome, redactor())
    assert SECRET not in json.dumps(result)
    assert result["reason"] == f"saw {MARK}" and result["observed"] == {"sample": MARK}


def test_run_cuts_secrets_from_an_exception_and_its_log(caplog: pytest.LogCaptureFixture) -> None:
    def check() -> Outcome:
        raise ValueError(f"the service said {SECRET}")

    result = run("synthetic", False, check, redactor())
    assert result["status"] == "error" and MARK in result["reason"] and SECRET not in result["reason"]
    [record] = [r for r in caplog.records if r.getMessage() == "Validation could not run"]
    logged = json.dumps(record.__dict__, default=str)
    assert "ValueError: the service said" in logged and MARK in logged
    assert SECRET not in logged and json.dumps(SECRET)[1:-1] not in logged
