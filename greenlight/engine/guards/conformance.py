"""The one conformance check: a response we fabricate must be one AWS could send, as botocore's model says.

Everything greenlight code is handed in place of AWS (the local stand-in, the moto patches, the fault
injectors, the test stubs and the fixtures under tests/events/aws/) passes through `check` before the
code sees it. botocore's own validator checks member names, required members and types; it does not
check enum values, so this adds them. A response that breaks the model fails loudly at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.handlers import BUILTIN_HANDLERS
from botocore.model import OperationModel, Shape
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from moto.core.models import botocore_stubber

from greenlight.engine.core.botocore_models import service_model

# Errors any AWS API can answer (the common errors of the AWS API references), besides each operation's own.
COMMON_ERRORS = frozenset(
    {
        "AccessDeniedException",
        "IncompleteSignature",
        "InternalFailure",
        "InvalidAction",
        "InvalidClientTokenId",
        "NotAuthorized",
        "OptInRequired",
        "RequestExpired",
        "ServiceUnavailable",
        "ThrottlingException",
        "ValidationError",
        "ValidationException",
    }
)
# The services whose answers greenlight code reads (the functions and the CLI: Lambda's Invoke for the custom
# checks, S3's GetObject for config layers); the stand-in's own set-up calls to IAM and EC2 are not checked:
# botocore's customisations change some of their parsed types. (AppConfig Data, which moto lacks, is answered by
# greenlight.engine.patches.appconfigdata, which checks each answer itself.)
CHECKED_SERVICES = frozenset(
    {"codedeploy", "elbv2", "cloudwatch", "ssm", "secretsmanager", "stepfunctions", "ecs", "events", "sts"}
    | {"lambda", "s3"}
)
LENGTH_AND_RANGE = frozenset({"invalid length", "invalid range"})  # botocore's error types for min/max
# Members botocore adds to every parsed response; they are not part of an operation's output shape.
RESPONSE_ENVELOPE = frozenset({"ResponseMetadata"})


class NonConformingResponseError(AssertionError):
    """A fabricated AWS response (or error) that AWS could not send: the message lists every problem."""


@cache
def operation_model(service: str, operation: str) -> OperationModel:
    """The operation by its API name (`GetDeploymentTarget`) or its boto3 name (`get_deployment_target`)."""
    model = service_model(service)
    wanted = operation.replace("_", "").lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            return model.operation_model(name)
    raise NonConformingResponseError(f"{service} has no operation {operation!r}")


def _enum_problems(value: Any, shape: Shape | None, where: str) -> list[str]:
    """Enum values and strict integers, which botocore's validator does not check."""
    if shape is None or value is None:
        return []
    kind = shape.type_name
    if kind == "structure" and isinstance(value, Mapping):
        members = shape.members  # type: ignore[attr-defined]
        return [p for key, item in value.items() for p in _enum_problems(item, members.get(key), f"{where}.{key}")]
    if kind == "list" and isinstance(value, list | tuple):
        member = shape.member  # type: ignore[attr-defined]
        return [p for index, item in enumerate(value) for p in _enum_problems(item, member, f"{where}[{index}]")]
    if kind == "map" and isinstance(value, Mapping):
        key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
        found = [p for key in value for p in _enum_problems(key, key_shape, f"{where} key")]
        return found + [p for key, item in value.items() for p in _enum_problems(item, value_shape, f"{where}.{key}")]
    enum = getattr(shape, "enum", None)
    if kind == "string" and enum and value not in enum:
        return [f"{where}: {value!r} is not one of {shape.name}'s values {enum}"]
    if kind in ("integer", "long") and isinstance(value, bool):
        return [f"{where}: {value!r} is a boolean, not an {kind}"]
    return []


def by_shape_names(value: Any, shape: Shape | None) -> Any:
    """`value` with each member named as `shape` names it, matched in any casing: the States language writes aws-sdk
    parameters and results in PascalCase (`DeploymentId`) where the API's own names may be camelCase."""
    if shape is None:
        return value
    if isinstance(value, Mapping) and shape.type_name == "structure":
        members = shape.members  # type: ignore[attr-defined]
        names = {name.lower(): name for name in members}
        renamed = {names.get(key.lower(), key): item for key, item in value.items()}
        return {key: by_shape_names(item, members.get(key)) for key, item in renamed.items()}
    if isinstance(value, list) and shape.type_name == "list":
        return [by_shape_names(item, shape.member) for item in value]  # type: ignore[attr-defined]
    return value


def problems(service: str, operation: str, response: Mapping[str, Any]) -> list[str]:
    """Every way `response` differs from the output shape of `service`'s `operation`; empty when it conforms."""
    model = operation_model(service, operation)
    body = {key: value for key, value in response.items() if key not in RESPONSE_ENVELOPE}
    shape = model.output_shape
    if shape is None:
        return [f"{model.name} returns no members, got {sorted(body)}"] if body else []
    report = ParamValidator().validate(body, shape)
    # Length and range minimums constrain what callers send; AWS's own answers break them (an empty
    # `InvalidParameters: []` from SSM), so only names, required members and types count here.
    report._errors = [error for error in report._errors if error[0] not in LENGTH_AND_RANGE]
    found = [line for line in report.generate_report().splitlines() if line.strip()]
    return found + _enum_problems(body, shape, model.name)


def check(service: str, operation: str, response: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return `response` unchanged when AWS could send it; raise NonConformingResponseError otherwise."""
    found = problems(service, operation, response)
    if found:
        raise NonConformingResponseError(
            f"{service} {operation_model(service, operation).name} response breaks botocore's model: "
            + "; ".join(found)
        )
    return response


def check_error(service: str, operation: str, code: str) -> str:
    """An error code AWS can answer for this operation: one it models, or an error common to every API."""
    model = operation_model(service, operation)
    modelled = {getattr(shape, "error_code", None) or shape.name for shape in model.error_shapes}
    if code not in modelled | COMMON_ERRORS:
        raise NonConformingResponseError(
            f"{service} {model.name} never answers {code}; it answers {sorted(modelled)} and the common errors"
        )
    return code


class ConformingStubber(Stubber):
    """botocore's Stubber, whose responses and errors must pass the conformance check (enums included)."""

    def _validate_operation_response(self, operation_name: str, service_response: Any) -> None:
        """The conformance check instead of botocore's: that one also applies the length minimums callers must
        meet, which AWS's own answers break (SSM's `InvalidParameters: []`)."""
        check(self.client.meta.service_model.service_name, operation_name, service_response)

    def add_client_error(self, method: str, service_error_code: str = "", *args: Any, **kwargs: Any) -> None:
        check_error(self.client.meta.service_model.service_name, method, service_error_code)
        super().add_client_error(method, service_error_code, *args, **kwargs)


# Where moto itself answers unlike AWS and greenlight cannot mend it, each named with what it breaks; the
# canary tests fail the day moto answers correctly. Anything else that breaks the model fails at once.
KNOWN_MOTO_DEVIATIONS = {
    # moto records a Fail state inside a Parallel branch as a TaskFailed event without its resource.
    ("stepfunctions", "GetExecutionHistory"): re.compile(
        r'^Missing required parameter in events\[\d+\]\.taskFailedEventDetails: "(resource|resourceType)"$'
    ),
}


def check_answer(parsed: Mapping[str, Any], model: OperationModel, **_: Any) -> None:
    """botocore `after-call` handler: an answer from moto or the stand-in conforms (errors are not checked)."""
    service = model.service_model.service_name
    if not botocore_stubber.enabled or service not in CHECKED_SERVICES or "Error" in parsed:
        return
    tolerated = KNOWN_MOTO_DEVIATIONS.get((service, model.name))
    found = [p for p in problems(service, model.name, parsed) if not (tolerated and tolerated.match(p))]
    if found:
        raise NonConformingResponseError(f"{service} {model.name} answer breaks botocore's model: " + "; ".join(found))


def install() -> None:
    """Check every answer moto gives from now on (sessions created from now on; moto makes one per mock)."""
    if ("after-call", check_answer) not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append(("after-call", check_answer))


__all__ = [
    "ConformingStubber",
    "NonConformingResponseError",
    "check",
    "check_answer",
    "check_error",
    "install",
    "problems",
]
