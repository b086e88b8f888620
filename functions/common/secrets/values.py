"""Header values read from SSM Parameter Store or Secrets Manager at run time: the one path every check reads them by.

Synthetic requests and webhook checks both resolve `{ssm: name}` and `{secretsmanager: id}` here: through a session
of SecretReaderRole scoped to the deployment group under test (common.secrets.reader, which Prepare's grant names;
common.secrets.scope decides what a layer may name), each value registered with the check's Redactor as it is read,
so whatever a service or a check's answer echoes of it is cut out of everything reported.
"""

from __future__ import annotations

from collections.abc import Callable

from common.config.requests import SecretRef
from common.payload.models import Plan
from common.runtime.environment import SyntheticSettings
from common.secrets.reader import SecretReader
from common.secrets.redact import Redactor
from common.secrets.scope import Namespaces

FORBIDDEN_IN_HEADERS = "\r\n\0"
SecretResolver = Callable[[SecretRef], str]


class SecretValueError(ValueError):
    """A secret that cannot be sent as a header value (the message never includes it)."""


def header_value(name: str, value: str) -> str:
    """A secret's value as a header value; SecretValueError (naming the header, never the value) when it cannot be."""
    if any(character in value for character in FORBIDDEN_IN_HEADERS):
        raise SecretValueError(f"header {name} read from a secret holds a line break or NUL; it cannot be sent")
    return value


def resolver(plan: Plan, settings: SyntheticSettings, redactor: Redactor, sts: object = None) -> SecretResolver:
    """Read each reference through the plan's scoped session, and register its value with `redactor` in one step."""
    spaces = Namespaces(settings.config_parameter_prefix, settings.secrets_prefix)
    reader = SecretReader(plan.secrets, spaces, settings.secret_reader_role_arn, sts)

    def resolve(reference: SecretRef) -> str:
        return redactor.add(reader.read(reference), source=f"the secret {reference.label()}")

    return resolve
