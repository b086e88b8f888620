"""Config layers past an SSM parameter's 8 KB: the parameter points at an S3 object or an AWS AppConfig configuration.

A config parameter whose whole value is one line `s3://<bucket>/<key>` (optionally `?versionId=<id>`, to pin a
version) or `appconfig://<application id>/<environment>/<configuration profile>` (a freeform profile) is a pointer:
the layer is read from there, up to `MAX_LAYER_BYTES`, with the same strict reader as every layer. Only the stack's
own bucket (ConfigBucketName) and AppConfig application (ConfigAppConfigApplicationId) may be named, which the
stack's IAM policy enforces too. Each layer's source says where it came from and which version was read:
`ssm:/greenlight/orders/orders-dg -> s3://configs/orders.yaml?versionId=3HL4kqtJ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from common.config.parsing import MAX_LAYER_BYTES, STORE_LIMIT_WHY, ConfigTextError, decode

S3_POINTER = re.compile(r"^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/([^?\s]{1,1024})(?:\?versionId=([^&\s]{1,1024}))?$")
APPCONFIG_POINTER = re.compile(r"^appconfig://([^/\s]{1,128})/([^/\s]{1,128})/([^/\s]{1,128})$")
# Left to the caller (Prepare's Retry): AWS's side, worth another try. Anything else names the layer it concerns.
TRANSIENT_CODES = frozenset(
    {"SlowDown", "Throttling", "ThrottlingException", "InternalError", "InternalServerException", "ServiceUnavailable"}
)
# AppConfig Data refuses a poll interval under 15 s; greenlight starts one session per layer and polls once.
APPCONFIG_POLL_SECONDS = 15


class LayerError(ValueError):
    """A pointer that cannot be followed: malformed, outside the stack's bucket or application, missing, too big."""


@dataclass(frozen=True)
class LayerStores:
    """Where layers past 8 KB may live (the stack's parameters; empty: nowhere), and the clients to read them."""

    bucket: str = ""
    appconfig_application: str = ""
    # The stack's own account: S3 refuses the read (403) when the bucket is another account's, so a bucket of that
    # name deleted and created again elsewhere is never read (S3 user guide, "Verifying bucket ownership").
    bucket_owner: str = ""
    s3: Any = None
    appconfig: Any = None  # an `appconfigdata` client


@dataclass(frozen=True)
class ReadLayer:
    text: str
    source: str  # where it came from, for the report: the parameter, and the object or configuration it points at
    large: bool  # read from S3 or AppConfig: up to MAX_LAYER_BYTES


def is_pointer(value: str) -> bool:
    return value.strip().startswith(("s3://", "appconfig://")) and "\n" not in value.strip()


def _text(data: bytes, where: str) -> str:
    try:
        return decode(data, MAX_LAYER_BYTES, STORE_LIMIT_WHY)
    except ConfigTextError as error:
        raise LayerError(f"config {where} {error}") from error


def _refused(error: ClientError, where: str) -> LayerError:
    details = error.response.get("Error", {})
    if details.get("Code") in TRANSIENT_CODES:
        raise error
    return LayerError(f"config {where} cannot be read: {details.get('Code')}: {details.get('Message', '')}")


def _from_s3(match: re.Match[str], stores: LayerStores) -> tuple[str, str]:
    bucket, key, version = match.groups()
    if not stores.bucket:
        raise LayerError(f"config s3://{bucket}/{key}: the stack has no ConfigBucketName, so no layer may live in S3")
    if bucket != stores.bucket:
        raise LayerError(
            f"config s3://{bucket}/{key}: only the stack's ConfigBucketName ({stores.bucket}) may hold layers"
        )
    where = f"s3://{bucket}/{key}"
    try:
        options = ({"VersionId": version} if version else {}) | (
            {"ExpectedBucketOwner": stores.bucket_owner} if stores.bucket_owner else {}
        )
        answer = stores.s3.get_object(Bucket=bucket, Key=key, **options)
    except ClientError as error:
        raise _refused(error, where) from error
    size = answer.get("ContentLength", 0)
    if size > MAX_LAYER_BYTES:
        raise LayerError(
            f"config {where} is {size} bytes, over the {MAX_LAYER_BYTES} bytes a config may have ({STORE_LIMIT_WHY})"
        )
    text = _text(answer["Body"].read(MAX_LAYER_BYTES + 1), where)
    return text, f"{where}?versionId={answer.get('VersionId') or 'null'}"


def _from_appconfig(match: re.Match[str], stores: LayerStores) -> tuple[str, str]:
    application, environment, profile = match.groups()
    where = f"appconfig://{application}/{environment}/{profile}"
    if not stores.appconfig_application:
        raise LayerError(
            f"config {where}: the stack has no ConfigAppConfigApplicationId, so no layer may live in AppConfig"
        )
    if application != stores.appconfig_application:
        raise LayerError(
            f"config {where}: only the stack's ConfigAppConfigApplicationId ({stores.appconfig_application}) may hold "
            "layers; name the application by its ID"
        )
    try:
        session = stores.appconfig.start_configuration_session(
            ApplicationIdentifier=application,
            EnvironmentIdentifier=environment,
            ConfigurationProfileIdentifier=profile,
            RequiredMinimumPollIntervalInSeconds=APPCONFIG_POLL_SECONDS,
        )
        answer = stores.appconfig.get_latest_configuration(ConfigurationToken=session["InitialConfigurationToken"])
    except ClientError as error:
        raise _refused(error, where) from error
    text = _text(answer["Configuration"].read(MAX_LAYER_BYTES + 1), where)
    return text, f"{where} (version {answer.get('VersionLabel') or 'unlabelled'})"


def read_layer(value: str, source: str, stores: LayerStores) -> ReadLayer:
    """The layer a parameter holds: its value, or the S3 object or AppConfig configuration it points at."""
    if not is_pointer(value):
        return ReadLayer(value, source, large=False)
    pointer = value.strip()
    if match := S3_POINTER.match(pointer):
        text, where = _from_s3(match, stores)
    elif match := APPCONFIG_POINTER.match(pointer):
        text, where = _from_appconfig(match, stores)
    else:
        raise LayerError(
            f"config {source} holds {pointer[:200]!r}, which is neither s3://<bucket>/<key>[?versionId=<id>] nor "
            "appconfig://<application id>/<environment>/<profile>"
        )
    return ReadLayer(text, f"{source} -> {where}", large=True)
