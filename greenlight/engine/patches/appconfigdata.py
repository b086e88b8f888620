"""AWS AppConfig Data (StartConfigurationSession, GetLatestConfiguration), which moto 5.2.5 does not have.

The running engine's settings hold the configurations a local run was given (`--object appconfig://...`), by
(application, environment, profile). A botocore `before-call` handler answers the two operations from them, as a
Stubber does, only while an engine runs and moto's mock is active; every answer passes the conformance check, and an
unknown configuration is AppConfig Data's ResourceNotFoundException (its API reference lists it for both). The
call's parameters are kept from `before-parameter-build` in the request context (`before-call` sees only the
serialized request).
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.handlers import BUILTIN_HANDLERS
from botocore.model import OperationModel
from botocore.response import StreamingBody
from moto.core.models import botocore_stubber

from greenlight.engine.core.botocore_models import shared_botocore_session
from greenlight.engine.core.context import EngineSettings, current
from greenlight.engine.guards import conformance

SERVICE = "appconfigdata"
NEXT_POLL_SECONDS = 60
PARAMS = "greenlight_appconfigdata_params"


def _response(status: int, parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    metadata = {"HTTPStatusCode": status, "RequestId": uuid.uuid4().hex, "HTTPHeaders": {}, "RetryAttempts": 0}
    return AWSResponse(f"https://{SERVICE}.local", status, HTTPHeaders(), None), {
        **parsed,
        "ResponseMetadata": metadata,
    }


def _not_found(operation: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    code = conformance.check_error(SERVICE, operation, "ResourceNotFoundException")
    return _response(404, {"Error": {"Code": code, "Message": message}})


def _start(engine: EngineSettings, params: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    key = (params["ApplicationIdentifier"], params["EnvironmentIdentifier"], params["ConfigurationProfileIdentifier"])
    if key not in engine.appconfig:
        return _not_found("StartConfigurationSession", "Configuration profile not found: " + "/".join(key))
    token = uuid.uuid4().hex
    engine.appconfig_sessions[token] = key
    answer = {"InitialConfigurationToken": token}
    return _response(201, dict(conformance.check(SERVICE, "StartConfigurationSession", answer)))


def _latest(engine: EngineSettings, params: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    key = engine.appconfig_sessions.pop(params["ConfigurationToken"], None)
    if key is None:
        return _not_found("GetLatestConfiguration", "Configuration token not found")
    content, version = engine.appconfig[key]
    next_token = uuid.uuid4().hex
    engine.appconfig_sessions[next_token] = key
    answer = {
        "NextPollConfigurationToken": next_token,
        "NextPollIntervalInSeconds": NEXT_POLL_SECONDS,
        "ContentType": "application/x-yaml",
        "Configuration": content,
        "VersionLabel": version,
    }
    conformance.check(SERVICE, "GetLatestConfiguration", answer)
    return _response(200, answer | {"Configuration": StreamingBody(io.BytesIO(content), len(content))})


def keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """botocore `before-parameter-build.appconfigdata` handler: the call's parameters, for `answer`."""
    context[PARAMS] = dict(params)


def answer(model: OperationModel, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """botocore `before-call.appconfigdata` handler: the running engine's answer, or None (nothing local runs)."""
    engine = current()
    if engine is None or not botocore_stubber.enabled:
        return None
    params = context.get(PARAMS, {})
    return _start(engine, params) if model.name == "StartConfigurationSession" else _latest(engine, params)


HANDLERS: tuple[tuple[str, Any], ...] = (
    (f"before-parameter-build.{SERVICE}", keep_params),
    (f"before-call.{SERVICE}", answer),
)


def install() -> None:
    """Answer AppConfig Data from the running engine, in clients created from now on: those of new sessions and those
    of the process's shared session (greenlight.engine.core.botocore_models), which was made before this ran."""
    for event, handler in HANDLERS:
        if (event, handler) not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.append((event, handler))
        shared_botocore_session().register(event, handler, unique_id=f"greenlight-{event}")


PATCHES: list[Any] = []
EXTRA = [install]
