"""Putting one greenlight event on the default EventBridge bus, failed entries included.

Plain Python, no pydantic: the hook imports it on its failure path. PutEvents can answer 200 and still refuse
an entry (`FailedEntryCount`, with the entry's `ErrorCode`); EventBridge's guide says to send such entries
again, and the API reference (PutEventsResultEntry) names the retryable codes: InternalFailure and
ThrottlingException. Those are retried a few times; any other refusal, or the last, leaves an error in the log. An event
never fails the caller: the verdict is delivered before it is announced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from common.runtime.clock import sleep
from common.runtime.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

SOURCE = "greenlight"  # custom sources must not start with "aws."
VERDICT = "Greenlight Verdict"
OUTAGE_ALLOWED = "Greenlight Outage Allowed"
ATTEMPTS = 3
RETRYABLE_ENTRY_ERRORS = frozenset({"InternalFailure", "ThrottlingException"})
BACKOFF_SECONDS = 0.2


def put_event(events: EventBridgeClient, detail_type: str, detail: str, resources: list[str]) -> bool:
    """Put one event on the default bus; True once EventBridge has taken it."""
    entry: PutEventsRequestEntryTypeDef = {
        "Source": SOURCE,
        "DetailType": detail_type,
        "Detail": detail,
        "Resources": resources,
    }
    for attempt in range(1, ATTEMPTS + 1):
        try:
            answer = events.put_events(Entries=[entry])
        except (BotoCoreError, ClientError) as error:
            logger.error(
                "Could not put the event on EventBridge", extra={"detail_type": detail_type, "error": str(error)}
            )
            return False
        result = answer["Entries"][0] if answer.get("Entries") else {}
        if not answer.get("FailedEntryCount") and result.get("EventId"):
            logger.info("Event put on EventBridge", extra={"detail_type": detail_type, "event_id": result["EventId"]})
            return True
        code = str(result.get("ErrorCode", ""))
        logger.warning(
            "EventBridge refused the event",
            extra={
                "detail_type": detail_type,
                "error_code": code,
                "error_message": result.get("ErrorMessage"),
                "attempt": attempt,
            },
        )
        if code not in RETRYABLE_ENTRY_ERRORS:
            break
        sleep(BACKOFF_SECONDS * 2**attempt)
    logger.error("The event was not announced", extra={"detail_type": detail_type})
    return False
