"""Fault injection: the running engine's next calls of an operation are answered with error codes it names,
each one an error the operation can answer (the conformance check)."""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores

from greenlight.engine.core import context
from greenlight.engine.guards import conformance
from greenlight.engine.patches.originals import ORIGINALS, PatchList


def call_action(self: BaseResponse) -> Any:
    """Answer an injected fault instead of the API call (JSON-protocol services)."""
    engine = context.current()
    service, operation = str(self.service_name), camelcase_to_underscores(self._get_action())
    codes = engine.api_faults.get((service, operation)) if engine else None
    if codes:
        error = JsonRESTError(conformance.check_error(service, operation, codes.pop(0)), "injected fault")
        headers: dict[str, Any] = dict(error.get_headers() or [])
        headers["status"] = error.code
        # As every AWS answer, an error carries its request id (x-amzn-RequestId), which moto adds here: without
        # it the interpreter's aws-sdk tasks failed on reading the error (KeyError 'RequestId'), not on the error.
        headers, body = self._enrich_response(headers, error.description)
        return error.code, headers, body
    return ORIGINALS["call_action"](self)


PATCHES: PatchList = [(BaseResponse, "call_action", call_action)]
