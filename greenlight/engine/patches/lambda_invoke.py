"""The interpreter's Lambda tasks run the real handlers in this process (moto runs them only in Docker)."""

from __future__ import annotations

import json
import time
import traceback
from typing import Any

from moto.awslambda.models import LambdaFunction

from greenlight.engine.core import context
from greenlight.engine.core.lifetime import HandlerStoppedError
from greenlight.engine.patches.originals import PatchList


class LambdaContext:
    """Enough of the Lambda context object for Powertools' inject_lambda_context."""

    def __init__(self, function: LambdaFunction) -> None:
        self.function_name = function.function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function.function_arn
        self.memory_limit_in_mb = int(function.memory_size or 128)
        self.aws_request_id = f"local-{time.monotonic_ns()}"
        self.log_group_name = f"/aws/lambda/{function.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + float(function.timeout or 3)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(message: str, error_type: str) -> tuple[str, bool, str]:
    return json.dumps({"errorMessage": message, "errorType": error_type}), True, ""


def invoke_in_process(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    """Run the real handler in this process; errors come back in the Python runtime's shape, so Retry and
    Catch match error types as on AWS."""
    engine = context.current()
    handler = engine.handlers.get(self.function_name) if engine else None
    if engine is None or handler is None:
        return _error(f"no local handler for {self.function_name}", "Runtime.HandlerNotFound")
    if not engine.run.active:
        return _error("the local run has ended", "Runtime.LocalRunEnded")
    payload = json.loads(event) if isinstance(event, str) else (event or {})
    try:
        with engine.run.running_here():  # whatever the handler still does once its run has ended never reaches AWS
            fault = engine.function_faults.get(self.function_name)
            if fault is not None:
                fault()
            answer = json.dumps(handler(payload, LambdaContext(self)), default=str)
    except HandlerStoppedError:
        return _error("the local run was interrupted", "Runtime.LocalRunEnded")
    except Exception as error:
        shape = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_exception(error)[-5:],
        }
        return json.dumps(shape), True, ""
    after = engine.invoke_faults_after.get(self.function_name)
    if after is not None:
        after()  # the function ran; the Invoke call itself then fails (an API error, e.g. Lambda's ServiceException)
    return answer, False, ""


PATCHES: PatchList = [(LambdaFunction, "_invoke_lambda", invoke_in_process)]
