"""The audited bypass: an SSM parameter that lets deployments through while greenlight itself is the problem.

`<prefix>/bypass/<application>/<deployment group>` covers one deployment group, `<prefix>/bypass/all` every
one; the more specific wins. Each holds JSON: `by`, `reason` and `expires_at` (ISO 8601, UTC). While one is
valid the validations still run and report, and the verdict is `Succeeded`. An expired, malformed or
unreadable one is ignored with a warning, and the report says so. A bypass lasts at most MAX_DURATION: the
CLI refuses a longer one, and Finalize ignores one that ends further ahead than that (plus CLOCK_SKEW, for
the clock of the machine that set it).

The value is read with the config's strict reader (common.config.parsing: size, depth, duplicate keys, aliases),
and its text fields may hold no control character (the reason reaches the verdict event's one-line summary).
Whatever the value holds, reading it never raises: Finalize must decide. `by` is what the value claims; the
audit also names who wrote the parameter as AWS recorded it: `LastModifiedUser` of the version read, from the
parameter's history (GetParameterHistory). The sentence puts what AWS says (until when, who wrote it) before what
the value says (`by`, `reason`): those are the writer's own words, so an audit line forged in them reads as a claim
after the record, and the one-line summary, cut at 300 characters, never loses the record to a long `by`. Format
characters (bidi overrides and isolates, zero-width ones) are refused with the control characters: they change
what a reader sees without being seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from common.config.messages import phrase
from common.config.parsing import ConfigTextError, load_text
from common.payload.models import Bypass, IgnoredBypass

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

MAX_DURATION = timedelta(hours=24)
CLOCK_SKEW = timedelta(minutes=15)
ALL = "all"
Clock = Callable[[], datetime]
# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the format characters that reorder or hide
# text (Arabic letter mark, zero-width ones, bidi embeddings, overrides and isolates, invisible operators, BOM): none
# belongs in a one-line audit field.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
HISTORY_PAGES = 3  # SSM keeps a parameter's last 100 versions: two pages of 50, and one to spare


class BypassDocument(BaseModel):
    """What a bypass parameter holds."""

    model_config = ConfigDict(extra="forbid")

    by: str = Field(min_length=1, max_length=256, description="Who set it (a person, or the caller's ARN).")
    reason: str = Field(min_length=1, max_length=1024, description="Why: an incident or ticket a reader can follow.")
    expires_at: AwareDatetime = Field(description="When it stops applying: ISO 8601 in UTC, e.g. 2026-01-31T18:00:00Z.")

    @field_validator("by", "reason")
    @classmethod
    def one_line(cls, value: str) -> str:
        if match := CONTROL_CHARACTERS.search(value):
            raise ValueError(f"holds the control character U+{ord(match.group()):04X}; write it on one line, in text")
        return value

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
    """The sentence the report and the logs carry: until when and who AWS says wrote it, then who and why the value
    says (its own words, so they come last)."""
    until = bypass.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if bypass.written_by:
        audit = f"AWS records {bypass.written_by} as the parameter's writer"
    elif bypass.written_by_unread:
        audit = f"the parameter's writer could not be read from AWS ({bypass.written_by_unread})"
    else:
        audit = "AWS records no writer for the parameter"
    return f"bypassed until {until}; {audit}; the value says by {bypass.by}: {bypass.reason}"


def document(by: str, reason: str, expires_at: datetime) -> str:
    """The parameter's value for a new bypass (validated as Finalize will read it)."""
    return BypassDocument(by=by, reason=reason, expires_at=expires_at).model_dump_json()


def _escaped(text: str) -> str:
    """`text` with each control or format character written as its \\uXXXX escape: a why names the value's keys, and
    `greenlight bypass show` prints it to a terminal."""
    return CONTROL_CHARACTERS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _problems(error: ValidationError) -> str:
    return _escaped("; ".join(phrase(BypassDocument, p, whole="value") for p in error.errors()))


def parse(text: str, parameter: str, now: datetime) -> Bypass | IgnoredBypass:
    """The bypass a parameter holds, or why it does not apply at `now`. Never raises, whatever `text` holds."""
    try:
        given = BypassDocument.model_validate(load_text(text))
    except ConfigTextError as error:
        return IgnoredBypass(parameter=parameter, why=f"unreadable: the value {_escaped(str(error))}")
    except ValidationError as error:
        return IgnoredBypass(parameter=parameter, why=f"malformed: {_problems(error)}")
    except Exception as error:  # a last resort: a bypass that cannot be read is not in force
        return IgnoredBypass(parameter=parameter, why=f"unreadable: {type(error).__name__}")
    if given.expires_at <= now:
        return IgnoredBypass(parameter=parameter, why=f"expired at {given.expires_at.isoformat()}")
    if given.expires_at - now > MAX_DURATION + CLOCK_SKEW:
        return IgnoredBypass(
            parameter=parameter,
            why=f"ends {given.expires_at.isoformat()}, more than {hours(MAX_DURATION)} ahead: a bypass lasts no longer",
        )
    return Bypass(parameter=parameter, by=given.by, reason=given.reason, expires_at=given.expires_at)


def writer(ssm: SSMClient, name: str, version: int | None) -> str | None:
    """Who wrote `version` of the parameter, as AWS recorded it (LastModifiedUser), or None when unknown."""
    kwargs: dict[str, Any] = {"Name": name, "MaxResults": 50}
    latest = None
    for _ in range(HISTORY_PAGES):
        page = ssm.get_parameter_history(**kwargs)
        for entry in page.get("Parameters", []):
            latest = entry
            if version is not None and entry.get("Version") == version:
                return entry.get("LastModifiedUser")
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    return latest.get("LastModifiedUser") if latest and version is None else None


def with_writer(ssm: SSMClient, bypass: Bypass, version: int | None) -> Bypass:
    try:
        bypass.written_by = writer(ssm, bypass.parameter, version)
    except Exception as error:  # the audit line says it could not be read; the bypass itself was read
        code = getattr(error, "response", {}).get("Error", {}).get("Code")  # botocore's ClientError
        bypass.written_by_unread = str(code or type(error).__name__)
    return bypass


def read(ssm: SSMClient, names: list[str], now: datetime) -> tuple[Bypass | None, list[IgnoredBypass]]:
    """The bypass in force (the first valid one of `names`), and every one found but ignored. Never raises."""
    try:
        found = {p["Name"]: p for p in ssm.get_parameters(Names=names).get("Parameters", [])}
    except Exception as error:  # whatever stops the read, the verdict stands without a bypass, saying why
        return None, [IgnoredBypass(parameter=name, why=f"could not be read: {error}") for name in names]
    parsed = [parse(str(found[name].get("Value", "")), name, now) for name in names if name in found]
    applied = next((p for p in parsed if isinstance(p, Bypass)), None)
    if applied is not None:
        applied = with_writer(ssm, applied, found[applied.parameter].get("Version"))
    return applied, [p for p in parsed if isinstance(p, IgnoredBypass)]
