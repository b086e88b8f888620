"""Header values read from SSM Parameter Store or Secrets Manager at run time: the one place a check reads them.

Synthetic requests and webhook checks both resolve `{ssm: name}` and `{secretsmanager: id}` here, and register each
value with the run's Redactor as it is read, so whatever a service or a check's answer echoes of it is cut out of
everything reported.
"""

from __future__ import annotations

from collections.abc import Callable

from common.aws import client
from common.config_http import SecretRef
from common.redact import Redactor

FORBIDDEN_IN_HEADERS = "\r\n\0"
SecretResolver = Callable[[SecretRef], str]


class SecretValueError(ValueError):
    """A secret that cannot be sent as a header value (the message never includes it)."""


def resolve_secret(reference: SecretRef) -> str:
    """The secret's value, read with this function's own credentials."""
    if reference.ssm:
        return str(client("ssm").get_parameter(Name=reference.ssm, WithDecryption=True)["Parameter"]["Value"])
    return str(client("secretsmanager").get_secret_value(SecretId=reference.secretsmanager)["SecretString"])


def header_value(name: str, value: str) -> str:
    """A secret's value as a header value; SecretValueError (naming the header, never the value) when it cannot be."""
    if any(character in value for character in FORBIDDEN_IN_HEADERS):
        raise SecretValueError(f"header {name} read from a secret holds a line break or NUL; it cannot be sent")
    return value


def redacting_resolver(redactor: Redactor) -> SecretResolver:
    """Resolve each reference and register its value with `redactor` in one step."""

    def resolve(reference: SecretRef) -> str:
        return redactor.add(resolve_secret(reference))

    return resolve
