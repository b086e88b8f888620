"""The audited bypass: an SSM parameter that lets deployments through while greenlight itself is the problem.

`<prefix>/bypass/<application>/<deployment group>` covers one deployment group, `<prefix>/bypass/all` every
one; the more specific wins. Each holds JSON: `by`, `reason` and `expires_at` (ISO 8601, UTC). While one is
valid the validations still run and report, and the verdict is `Succeeded`. An expired, malformed or
unreadable one is ignored with a warning, and the report says so. A bypass lasts at most MAX_DURATION: the
CLI refuses a longer one, and Finalize ignores one that ends further ahead than that (plus CLOCK_SKEW, for
the clock of the machine that set it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from common.config_errors import phrase
from common.models import Bypass, IgnoredBypass

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

MAX_DURATION = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=15)
ALL = "all"
Clock = Callable[[], datetime]


class BypassDocument(BaseModel):
    """What a bypass parameter holds."""

    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1, max_length=256, description="Who set it (a person, or the caller's ARN).")
    reason: str = Field(min_length=1, max_length=1024, description="Why: an incident or ticket a reader can follow.")
    expires_at: AwareDatetime = Field(description="When it stops applying: ISO 8601 in UTC, e.g. 2026-01-31T18:00:00Z.")

    @field_validator("expires_at")
    @classmethod
    def in_utc(cls, value: datetime) -> datetime:
        if value.utcoffset() != timedelta(0):
            raise ValueError("must be in UTC (end in Z or +00:00)")
        return value


def parameter_names(prefix: str, application: str | None, deployment_group: str | None) -> list[str]:
    """The bypass parameters that may apply, the most specific first."""
    base = "/" + prefix.strip("/") + "/bypass"
    specific = [f"{base}/{application}/{deployment_group}"] if application and deployment_group else []
    return [*specific, f"{base}/{ALL}"]


def hours(length: timedelta) -> str:
    """A duration as a person writes it: `24h`, never Python's `1 day, 0:00:00`."""
    return f"{length.total_seconds() / 3600:g}h"


def describe(bypass: Bypass) -> str:
    """The sentence the report and the logs carry."""
    return f"bypassed by {bypass.by}: {bypass.reason}, until {bypass.expires_at.strftime('%Y-%m-%dT%H:%M:%SZ')}"


def document(by: str, reason: str, expires_at: datetime) -> str:
    """The parameter's value for a new bypass (validated as Finalize will read it)."""
    return BypassDocument(by=by, reason=reason, expires_at=expires_at).model_dump_json()


def parse(text: str, parameter: str, now: datetime) -> Bypass | IgnoredBypass:
    """The bypass a parameter holds, or why it does not apply at `now`."""
    try:
        given = BypassDocument.model_validate(json.loads(text))
    except (ValueError, ValidationError) as error:
        problems = (
            "; ".join(phrase(BypassDocument, p) for p in error.errors())
            if isinstance(error, ValidationError)
            else "not JSON"
        )
        return IgnoredBypass(parameter=parameter, why=f"malformed: {problems}")
    if given.expires_at <= now:
        return IgnoredBypass(parameter=parameter, why=f"expired at {given.expires_at.isoformat()}")
    if given.expires_at - now > MAX_DURATION + CLOCK_SKEW:
        return IgnoredBypass(
            parameter=parameter,
            why=f"ends {given.expires_at.isoformat()}, more than {hours(MAX_DURATION)} ahead: a bypass lasts no longer",
        )
    return Bypass(parameter=parameter, by=given.by, reason=given.reason, expires_at=given.expires_at)


def read(ssm: SSMClient, names: list[str], now: datetime) -> tuple[Bypass | None, list[IgnoredBypass]]:
    """The bypass in force (the first valid one of `names`), and every one found but ignored."""
    try:
        found = {p["Name"]: p["Value"] for p in ssm.get_parameters(Names=names).get("Parameters", [])}
    except Exception as error:  # whatever stops the read, the verdict stands without a bypass, saying why
        return None, [IgnoredBypass(parameter=name, why=f"could not be read: {error}") for name in names]
    parsed = [parse(found[name], name, now) for name in names if name in found]
    applied = next((p for p in parsed if isinstance(p, Bypass)), None)
    return applied, [p for p in parsed if isinstance(p, IgnoredBypass)]
