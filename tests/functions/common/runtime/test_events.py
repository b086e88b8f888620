"""Putting an event on EventBridge: a refused entry is sent again when the API reference calls it retryable."""

from __future__ import annotations

import json

import pytest
from botocore.stub import ANY

from common.runtime import clock
from common.runtime.events import ATTEMPTS, VERDICT, put_event
from tests.support.stubs import aws_response, stubbed

DETAIL = json.dumps({"verdict": "Failed"})
ENTRY = {"Source": "greenlight", "DetailType": VERDICT, "Detail": DETAIL, "Resources": []}


@pytest.fixture(autouse=True)
def _no_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.TIME_SCALE_VARIABLE, "0")


def test_a_throttled_entry_is_sent_again_until_taken() -> None:
    with stubbed("events") as (events, stubber):
        stubber.add_response("put_events", aws_response("events/PutEvents.throttled"), {"Entries": [ENTRY]})
        stubber.add_response("put_events", aws_response("events/PutEvents"), {"Entries": [ENTRY]})
        assert put_event(events, VERDICT, DETAIL, []) is True


def test_a_malformed_entry_is_not_sent_again() -> None:
    with stubbed("events") as (events, stubber):
        stubber.add_response("put_events", aws_response("events/PutEvents.malformed"), {"Entries": ANY})
        assert put_event(events, VERDICT, DETAIL, []) is False


def test_throttled_every_time_gives_up_after_a_few_attempts() -> None:
    with stubbed("events") as (events, stubber):
        for _ in range(ATTEMPTS):
            stubber.add_response("put_events", aws_response("events/PutEvents.throttled"), {"Entries": ANY})
        assert put_event(events, VERDICT, DETAIL, []) is False


def test_a_refused_call_never_raises() -> None:
    with stubbed("events") as (events, stubber):
        stubber.add_client_error("put_events", "AccessDeniedException")
        assert put_event(events, VERDICT, DETAIL, []) is False
