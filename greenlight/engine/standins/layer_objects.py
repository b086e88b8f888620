"""Config layers past 8 KB on the local engine: files standing for S3 objects and AWS AppConfig configurations.

`--object s3://BUCKET/KEY=@FILE` puts FILE in the local S3 (moto, a versioned bucket), `--object
appconfig://APPLICATION/ENVIRONMENT/PROFILE=@FILE` in the local AppConfig Data (patches.appconfigdata); a config
parameter pointing at one (`--parameter /greenlight/<application>/<group>=s3://BUCKET/KEY`) is then read from there
by Prepare, as on AWS. The run's stack gets the bucket and the application as its ConfigBucketName and
ConfigAppConfigApplicationId unless they are given.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from greenlight.errors import GreenlightError

if TYPE_CHECKING:
    from greenlight.engine.core.context import EngineSettings

VERSION_LABEL = "1"
# template.yaml's ConfigAppConfigApplicationId AllowedPattern: on AWS the stack takes an application's ID only, so a
# pointer naming the application by its name is refused there (common.config.layers); locally too.
APPLICATION_ID = re.compile(r"^[a-z0-9]{4,7}$")


class LayerObjectError(GreenlightError, ValueError):
    """An --object that cannot stand for a layer in S3 or AppConfig, or a pointer none stands for."""


def _parts(pointer: str) -> tuple[str, tuple[str, ...]]:
    """("s3", (bucket, key)) or ("appconfig", (application, environment, profile))."""
    from common.config.layers import APPCONFIG_POINTER, S3_POINTER

    if (match := S3_POINTER.match(pointer)) and match.group(3) is None:
        return "s3", (match.group(1), match.group(2))
    if match := APPCONFIG_POINTER.match(pointer):
        if not APPLICATION_ID.fullmatch(match.group(1)):
            raise LayerObjectError(
                f"--object {pointer[:200]!r} names AppConfig application {match.group(1)[:128]!r}: name it by its ID "
                "(4 to 7 lower-case letters and digits), as the stack's ConfigAppConfigApplicationId does"
            )
        return "appconfig", match.groups()
    raise LayerObjectError(
        f"--object {pointer[:200]!r} is neither s3://BUCKET/KEY nor appconfig://APPLICATION/ENVIRONMENT/PROFILE "
        "(locally, without ?versionId)"
    )


def stack_parameters(objects: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """The stack's parameters with ConfigBucketName and ConfigAppConfigApplicationId naming the objects' stores."""
    found: dict[str, set[str]] = {"s3": set(), "appconfig": set()}
    for pointer in objects:
        kind, parts = _parts(pointer)
        found[kind].add(parts[0])
    parameters = dict(given)
    for kind, name in (("s3", "ConfigBucketName"), ("appconfig", "ConfigAppConfigApplicationId")):
        if len(found[kind]) > 1:
            raise LayerObjectError(f"--object names {len(found[kind])} {kind} stores; the stack has one {name}")
        if found[kind] and name not in parameters:
            parameters[name] = next(iter(found[kind]))
    return parameters


def store(clients: dict[str, Any], settings: EngineSettings, objects: dict[str, str]) -> None:
    """Put each object where the local AWS keeps it: S3 in moto (a versioned bucket), AppConfig in the settings."""
    for pointer, text in objects.items():
        kind, parts = _parts(pointer)
        if kind == "appconfig":
            application, environment, profile = parts
            settings.appconfig[(application, environment, profile)] = (text.encode(), VERSION_LABEL)
            continue
        bucket, key = parts
        s3 = clients["s3"]  # made when first used: a run without an S3 layer reads no S3 model
        if bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode(), ContentType="application/x-yaml")


def layer(value: str, source: str, objects: dict[str, str]) -> Any:
    """The layer a parameter holds (common.config.sources.Layer): its value, or the object it points at."""
    from common.config.layers import is_pointer
    from common.config.sources import Layer

    if not is_pointer(value):
        return Layer(source, value)
    pointer = value.strip()
    text = objects.get(pointer.split("?versionId=", 1)[0])
    if text is None:
        raise LayerObjectError(f"{source} points at {pointer}, which no --object gives")
    return Layer(f"{source} -> {pointer}", text, large=True)
