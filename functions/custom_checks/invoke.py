"""A Lambda check: the function invoked synchronously (RequestResponse) with the document as its event.

Lambda's Invoke answers 200 whether or not the function succeeded: a function that raised, ran out of memory or
past its own timeout answers with `FunctionError` set and an error object as the payload (`errorType`,
`errorMessage`), which is an `error` here. greenlight stops waiting at the check's `timeout_seconds` whatever the
function's own timeout and reads at most 1 MiB of the payload (Lambda's own cap is 6 MB).
"""

from __future__ import annotations

import json
import threading
import time
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from common.config import LambdaCheck
from common.config.sections.checks import CHECK_DEADLINE_SECONDS
from common.payload.check_contract import MAX_ANSWER_BYTES
from common.payload.limits import cut_text
from custom_checks.answer import Reply

ERROR_QUOTE_CHARACTERS = 500
# Longer than any check's deadline (the thread below ends the wait first, so no read timeout is ever retried); one
# more attempt for what botocore's standard mode retries (throttling, Lambda's own 5xx).
INVOKE_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=5, read_timeout=CHECK_DEADLINE_SECONDS + 10
)


@cache
def lambda_client() -> Any:
    return boto3.client("lambda", config=INVOKE_CONFIG)


def _function_error(function: str, kind: str, payload: bytes) -> str:
    """What a failed invocation's error object says: `errorType: errorMessage`, or the payload as text."""
    try:
        error = json.loads(payload)
    except ValueError:
        error = None
    if isinstance(error, dict) and ("errorType" in error or "errorMessage" in error):
        what = f"{error.get('errorType', kind)}: {error.get('errorMessage', '')}".rstrip(": ")
    else:
        what = payload.decode("utf-8", errors="replace") or kind
    return f"function {function} failed ({kind}): {cut_text(what, ERROR_QUOTE_CHARACTERS)}"


def _invoke(client: Any, params: dict[str, Any], into: dict[str, Any]) -> None:
    try:
        response = client.invoke(**params)
        into["payload"] = response["Payload"].read(MAX_ANSWER_BYTES + 1)
        into["function_error"] = response.get("FunctionError")
        into["executed_version"] = response.get("ExecutedVersion")
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        into["refused"] = f"Lambda refused the invocation: {code}: {error.response.get('Error', {}).get('Message', '')}"
    except BotoCoreError as error:
        into["refused"] = f"the invocation did not complete: {error}"


def invoke_check(client: Any, check: LambdaCheck, document: dict[str, Any]) -> Reply:
    """Invoke the check's function with the document; its payload, or why there is none."""
    name, _, qualifier = check.function.partition(":")
    params: dict[str, Any] = {"FunctionName": name, "InvocationType": "RequestResponse"}
    params |= {"Payload": json.dumps(document).encode()} | ({"Qualifier": qualifier} if qualifier else {})
    outcome: dict[str, Any] = {}
    started = time.perf_counter()
    # A daemon thread: a function still running at the deadline is abandoned, never waited for at exit.
    worker = threading.Thread(target=_invoke, args=(client, params, outcome), name=f"check-{check.name}", daemon=True)
    worker.start()
    worker.join(check.timeout_seconds)
    took_ms = (time.perf_counter() - started) * 1000
    if worker.is_alive():
        return Reply(None, f"function {check.function} gave no answer within {check.timeout_seconds:g} s", took_ms)
    if "refused" in outcome:
        return Reply(None, str(outcome["refused"]), took_ms)
    details = {"executed_version": outcome["executed_version"]} if outcome.get("executed_version") else {}
    payload: bytes = outcome["payload"]
    if outcome.get("function_error"):
        return Reply(None, _function_error(check.function, str(outcome["function_error"]), payload), took_ms, details)
    if len(payload) > MAX_ANSWER_BYTES:
        return Reply(None, f"function {check.function} answered over {MAX_ANSWER_BYTES >> 20} MiB", took_ms, details)
    return Reply(payload, None, took_ms, details)
