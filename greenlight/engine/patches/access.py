"""IAM for the stack's scoped secret reading, which moto does not enforce: AssumeRole checks the role's trust policy
with the session tags passed, and a read by a session of such a role is allowed only as its role's policies and its
session policy allow it (greenlight.engine.guards.iam evaluates them, rendered from template.yaml).

Only sessions of the template's own roles are checked; every other call is answered as moto answers it.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse
from moto.sts.exceptions import STSClientError

from greenlight.engine.core import context
from greenlight.engine.guards import iam
from greenlight.engine.patches.originals import PatchList

CHECKED_READS = {
    ("ssm", "GetParameter"): ("ssm:GetParameter", "Name"),
    ("secretsmanager", "GetSecretValue"): ("secretsmanager:GetSecretValue", "SecretId"),
}


def _access_key(response: BaseResponse) -> str:
    authorization = str(response.headers.get("Authorization", ""))
    return authorization.partition("Credential=")[2].split("/", 1)[0]


def _tags(response: BaseResponse) -> dict[str, str]:
    given = response._get_param("Tags") or []
    return {str(tag["Key"]): str(tag["Value"]) for tag in given}


def _refused(error: Any) -> Any:
    """An error answer as moto's own handlers give one (status, headers, body)."""
    headers: dict[str, Any] = dict(error.get_headers() or [])
    headers["status"] = error.code
    return error.code, headers, error.description


def _assume(response: BaseResponse, engine: context.EngineSettings, answer: Any) -> Any:
    role_arn = str(response._get_param("RoleArn"))
    role = engine.iam_roles.get(role_arn)
    if role is None:
        return answer()
    tags, policy = _tags(response), response._get_param("Policy")
    if not iam.trust_allows(role["trust"], role["principal"], tags):
        engine.iam_denied.append(f"sts:AssumeRole {role_arn}")
        return _refused(STSClientError("AccessDenied", f"not authorized to perform sts:AssumeRole on {role_arn}"))
    result = answer()
    backend = response.backend  # type: ignore[attr-defined]
    session = backend.assumed_roles[-1]
    engine.iam_sessions[session.access_key_id] = {
        "role": role_arn,
        "tags": tags,
        "policy": json.loads(policy) if policy else None,
    }
    return result


def _resource(service: str, name: str, response: BaseResponse) -> str:
    """The ARN IAM authorizes the read against (SSM: the parameter, a version or label left out; Secrets Manager:
    the secret's full ARN, with its random suffix)."""
    if service == "ssm":
        parameter = name.partition(":")[0]
        return f"arn:aws:ssm:{response.region}:{response.current_account}:parameter{parameter}"
    secret = response.backend.secrets.get(name)  # type: ignore[attr-defined]
    return str(secret.arn) if secret is not None else f"arn:aws:secretsmanager:{response.region}:" \
        f"{response.current_account}:secret:{name}-??????"  # fmt: skip


def _read(response: BaseResponse, engine: context.EngineSettings, service: str, operation: str) -> Any:
    """None when the read may go on; the AccessDeniedException answer otherwise."""
    session = engine.iam_sessions.get(_access_key(response))
    if session is None:
        return None
    action, parameter = CHECKED_READS[(service, operation)]
    resource = _resource(service, str(response._get_param(parameter)), response)
    context = {f"aws:PrincipalTag/{key}": value for key, value in session["tags"].items()}
    request = iam.Request(action, resource, context)
    role = engine.iam_roles[session["role"]]
    if not iam.session_allows(role["policies"], session["policy"], request):
        engine.iam_denied.append(f"{action} {resource}")
        return _refused(
            JsonRESTError(
                "AccessDeniedException",
                f"User: {session['role']} is not authorized to perform: {action} on resource: {resource} because no "
                "identity-based policy and session policy both allow it",
            )
        )
    return None


def install() -> None:
    """Wrap the response entry point as it stands (after the fault injection's patch), once."""
    current = BaseResponse.call_action

    def call_action(self: BaseResponse) -> Any:
        engine = context.current()
        if engine is None or not engine.iam_roles:
            return current(self)
        service, operation = str(self.service_name), self._get_action()
        if (service, operation) == ("sts", "AssumeRole"):
            return _assume(self, engine, lambda: current(self))
        if (service, operation) in CHECKED_READS:
            return _read(self, engine, service, operation) or current(self)
        return current(self)

    BaseResponse.call_action = call_action  # type: ignore[method-assign]


PATCHES: PatchList = []
EXTRA = [install]
