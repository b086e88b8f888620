"""Which secrets a config layer may name: its own deployment group's, and the shared ones only from the platform.

One stack serves many teams, and each team writes the layer of its own deployment group. A secret reference
(`{ssm: name}` or `{secretsmanager: id}`, wherever the config has one) is allowed by `refusal`, the one place that
decides, from the layer that wrote it:

- every layer may name its deployment group's namespace: SSM `<ConfigParameterPrefix>/tenants/<application>/<group>/`
  and Secrets Manager `<SecretsPrefix>tenants/<application>/<group>/`;
- only the platform's default layer (`<ConfigParameterPrefix>/default`) may name the shared namespace:
  `<ConfigParameterPrefix>/shared/` and `<SecretsPrefix>shared/`.

The two trees never overlap whatever an application is called. Neither holds a bypass, and the tenants tree holds no
config layer Prepare would not read (a team's secrets lie three names below it, a layer one). The config layer of an
application (ECS: a cluster) named `shared` would be a name in the shared tree: `layer_refusal` refuses it, saying
so, rather than read a name that may be a shared secret (and that Prepare's role may not read).
Prepare refuses a config that names anything else (a Failed verdict naming the reference), and hands the synthetic
function a `SecretGrant`: the deployment group, and the exact shared names the platform's layer uses. AWS enforces
the same scope a second time (template.yaml, SecretReaderRole): the synthetic function reads secrets only through a
session of that role tagged with the deployment group, whose policy names the group's namespace through the session
tags, and restricted by a session policy to the group's namespace and those shared names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from common.config.requests import SecretRef
from common.config.sources import parameter_of, source_of
from common.payload.models import SecretGrant

TENANTS, SHARED = "tenants", "shared"
# What both stores and STS session tags allow in one path segment (SSM names: a-zA-Z0-9_.-; tag values also : / = + @).
TENANT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
SSM_NAME = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")  # AWS: a-zA-Z0-9_.- and / for the hierarchy
SSM_SELECTOR = re.compile(r"^:[A-Za-z0-9_.-]{1,100}$")  # name:version or name:label
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")  # AWS: a name, never an ARN (":" is not allowed)
Path = tuple[str, ...]


class SecretScopeError(ValueError):
    """A config names a secret its layer may not use; the message names the reference, the layer and the rule."""


@dataclass(frozen=True)
class Namespaces:
    """The stack's two prefixes, and what they make for one deployment group."""

    config_prefix: str  # ConfigParameterPrefix, e.g. /greenlight
    secrets_prefix: str  # SecretsPrefix, e.g. greenlight/

    @property
    def default_layer(self) -> str:
        return "/" + self.config_prefix.strip("/") + "/default"

    def ssm(self, *parts: str) -> str:
        return "/" + "/".join([self.config_prefix.strip("/"), *parts]) + "/"

    def secretsmanager(self, *parts: str) -> str:
        return self.secrets_prefix + "/".join(parts) + "/"

    def tenant(self, application: str, group: str) -> tuple[str, str]:
        return self.ssm(TENANTS, application, group), self.secretsmanager(TENANTS, application, group)

    def shared(self) -> tuple[str, str]:
        return self.ssm(SHARED), self.secretsmanager(SHARED)


def name_of(reference: SecretRef) -> tuple[str, str]:
    """The store (`ssm` or `secretsmanager`) and the name a reference reads, an SSM version or label left out."""
    if reference.ssm is not None:
        name, colon, selector = reference.ssm.partition(":")
        segments = name.split("/")[1:]
        bad_selector = bool(colon) and not SSM_SELECTOR.fullmatch(colon + selector)
        if not SSM_NAME.fullmatch(name) or {".", ".."} & set(segments) or bad_selector:
            raise SecretScopeError(f"{reference.label()} is not an SSM parameter name (/a/b, letters, digits, _.-)")
        return "ssm", name
    name = str(reference.secretsmanager)
    if not SECRET_NAME.fullmatch(name) or "//" in name or {".", ".."} & set(name.split("/")):
        raise SecretScopeError(
            f"{reference.label()} is not a Secrets Manager secret name (letters, digits, /_+=.@-; not an ARN)"
        )
    return "secretsmanager", name


def refusal(reference: SecretRef, platform_layer: bool, application: str, group: str, spaces: Namespaces) -> str | None:
    """Why a layer may not name `reference` for this deployment group, or None when it may. The one place that
    decides; `platform_layer`: the reference comes from the platform's default layer."""
    if not (TENANT_NAME.fullmatch(application) and TENANT_NAME.fullmatch(group)) or {application, group} & {".", ".."}:
        return (
            f"the deployment group {application}/{group} has characters a secret's namespace cannot hold (letters, "
            "digits, _.- only), so it may name no secret"
        )
    try:
        store, name = name_of(reference)
    except SecretScopeError as error:
        return str(error)
    own = dict(zip(("ssm", "secretsmanager"), spaces.tenant(application, group), strict=True))[store]
    shared = dict(zip(("ssm", "secretsmanager"), spaces.shared(), strict=True))[store]
    if name.startswith(own):
        return None
    if name.startswith(shared) and platform_layer:
        return None
    if name.startswith(shared):
        return (
            f"{reference.label()} is in the shared namespace {shared}, which only the platform's default layer "
            f"({spaces.default_layer}) may use"
        )
    return (
        f"{reference.label()} is outside the deployment group's namespace: a layer for {application}/{group} may "
        f"name only {own}... (and the platform's default layer also {shared}...)"
    )


def layer_refusal(application: str, group: str, spaces: Namespaces) -> str | None:
    """Why the config layer of this deployment group may not be read, or None: when it lies in the shared namespace."""
    layer = spaces.ssm(application, group).rstrip("/")
    shared, _ = spaces.shared()
    if not layer.startswith(shared):
        return None
    return (
        f"the config layer {layer} of {application}/{group} is in the shared secret namespace {shared}, where no "
        f"config is read: an application (ECS: cluster) named {application} cannot be configured or validated by this "
        "stack; deploy it under another name"
    )


def references(value: Any, path: Path = ()) -> Iterator[tuple[Path, SecretRef]]:
    """Every secret reference in a validated config, with its path as the config writes it (aliases, by name)."""
    if isinstance(value, SecretRef):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from references(getattr(value, name), (*path, field.alias or name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from references(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from references(item, (*path, str(index)))


def grant(
    config: BaseModel, sources: dict[Path, str], application: str, group: str, spaces: Namespaces
) -> SecretGrant | None:
    """What the synthetic function may read for this config (None: it names no secret), or SecretScopeError.

    `sources` maps each leaf of the config to the layer that set it (common.config.sources), e.g.
    `ssm:/greenlight/default`."""
    platform = f"ssm:{spaces.default_layer}"
    found = list(references(config))
    problems: list[str] = []
    shared: dict[str, set[str]] = {"ssm": set(), "secretsmanager": set()}
    for path, reference in found:
        layer = source_of((*path, "ssm" if reference.ssm is not None else "secretsmanager"), sources)
        # A layer read from S3 or AppConfig carries the authority of the parameter that points at it.
        why = refusal(reference, parameter_of(layer) == platform, application, group, spaces)
        if why is not None:
            problems.append(f"{'.'.join(path)} (from {layer}): {why}")
            continue
        store, name = name_of(reference)
        if name.startswith(dict(zip(("ssm", "secretsmanager"), spaces.shared(), strict=True))[store]):
            shared[store].add(name)
    if problems:
        raise SecretScopeError("the config names secrets it may not: " + "; ".join(problems))
    if not found:
        return None
    return SecretGrant(
        application=application,
        deployment_group=group,
        shared_ssm=sorted(shared["ssm"]),
        shared_secretsmanager=sorted(shared["secretsmanager"]),
    )
