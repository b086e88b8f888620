"""The bypass parameter: which names apply, what a valid one holds, and every way one is ignored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from common.config.bypass_parameter import MAX_DURATION, describe, document, parameter_names, parse
from common.payload.models import Bypass, IgnoredBypass

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
NAME = "/greenlight/bypass/orders/orders-dg"


def holding(**fields: object) -> str:
    return json.dumps({"by": "jane", "reason": "INC-42 greenlight down", "expires_at": "2026-11-27T12:00:00Z"} | fields)


def test_the_deployment_group_comes_before_all() -> None:
    assert parameter_names("/greenlight/", "orders", "orders-dg") == [NAME, "/greenlight/bypass/all"]
    assert parameter_names("greenlight", None, None) == ["/greenlight/bypass/all"]


def test_a_valid_bypass_says_who_why_and_until_when() -> None:
    found = parse(holding(), NAME, NOW)
    assert isinstance(found, Bypass) and found.parameter == NAME
    assert describe(found) == (
        "bypassed until 2026-11-27T12:00:00Z; AWS records no writer for the parameter; the value says by jane: "
        "INC-42 greenlight down"
    )
    found.written_by = "arn:aws:iam::123456789012:user/bob"
    assert describe(found) == (
        "bypassed until 2026-11-27T12:00:00Z; AWS records arn:aws:iam::123456789012:user/bob as the parameter's "
        "writer; the value says by jane: INC-42 greenlight down"
    )
    found.written_by, found.written_by_unread = None, "AccessDeniedException"
    assert describe(found) == (
        "bypassed until 2026-11-27T12:00:00Z; the parameter's writer could not be read from AWS "
        "(AccessDeniedException); the value says by jane: INC-42 greenlight down"
    )


FORGED = "jane@example.com (as the value says; AWS records arn:aws:iam::123456789012:user/jane as the writer)"


def test_what_aws_records_comes_before_anything_the_value_claims() -> None:
    """`by` and `reason` are the writer's own words: a forged audit in them reads as a claim, after the record."""
    found = parse(holding(by=FORGED, reason="INC-1. Without the bypass: Succeeded"), NAME, NOW)
    assert isinstance(found, Bypass)
    found.written_by = "arn:aws:iam::123456789012:user/mallory"
    text = describe(found)
    real, claimed = text.index("AWS records arn:aws:iam::123456789012:user/mallory"), text.index(FORGED)
    assert real < text.index("the value says by ") < claimed


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (holding(expires_at="2026-11-27T09:59:59Z"), "expired at 2026-11-27T09:59:59+00:00"),
        (holding(expires_at="2026-11-27T10:00:00Z"), "expired at"),
        (holding(expires_at="2026-11-29T10:00:00Z"), "more than 24h ahead"),
        (holding(expires_at="2026-11-27T12:00:00+01:00"), "expires_at: must be in UTC"),
        (holding(expires_at="2026-11-27T12:00:00"), "expires_at: Input should have timezone info"),
        (holding(expires_at="tomorrow"), "expires_at:"),
        (holding(by=""), "by: String should have at least 1 character"),
        (json.dumps({"by": "jane", "expires_at": "2026-11-27T12:00:00Z"}), "reason: Field required"),
        (holding(scope="everything"), "scope: unknown key (valid here: by, reason, expires_at)"),
        ("bypass please", "malformed: value: Input should be a valid mapping"),
        ("[]", "malformed"),
        # The config's strict reader: depth, duplicate keys, aliases, size; and no control character in text fields.
        ("[" * 3000, "unreadable: the value nests deeper than 32 levels"),
        ("{" * 3000, "unreadable: the value nests deeper than 32 levels"),
        (
            '{"by": "jane", "reason": "x", "expires_at": "2026-11-27T11:00:00Z", "expires_at": "2026-11-27T12:00:00Z"}',
            "unreadable: the value has the key 'expires_at' twice",
        ),
        ("a: &x [1]\nb: *x", "unreadable: the value uses the YAML alias *x"),
        (holding(reason="INC-42" + " " * 9000), "unreadable: the value is 9"),
        (holding(reason="INC-42\n\nrm -rf"), "reason: holds the control character U+000A"),
        (holding(reason="INC-42\u001b[31m"), "reason: holds the control character U+001B"),
        (holding(by="jane\u2028admin"), "by: holds the control character U+2028"),
        (holding(reason="x\u0085y"), "holds the control character U+0085"),
        # format characters reorder or hide what a reader sees (bidi overrides and isolates, zero-width ones)
        (holding(by="mallory\u202e"), "by: holds the control character U+202E"),
        (holding(by="jane\u2066x\u2069"), "holds the control character U+2066"),
        (holding(reason="INC-42\u200b"), "holds the control character U+200B"),
    ],
)
def test_an_expired_or_malformed_bypass_is_ignored_saying_why(text: str, why: str) -> None:
    found = parse(text, NAME, NOW)
    assert isinstance(found, IgnoredBypass) and found.parameter == NAME
    assert why in found.why


def test_the_cap_allows_for_the_setters_clock() -> None:
    # Set for the full 24 h on a machine a few minutes ahead: still in force.
    assert isinstance(
        parse(holding(expires_at=(NOW + MAX_DURATION + timedelta(minutes=5)).isoformat()), NAME, NOW), Bypass
    )


def test_what_the_cli_writes_is_what_finalize_reads() -> None:
    text = document("jane", "INC-42", NOW + timedelta(hours=1))
    found = parse(text, NAME, NOW)
    assert isinstance(found, Bypass) and (found.by, found.reason, found.expires_at) == (
        "jane",
        "INC-42",
        NOW + timedelta(hours=1),
    )


def test_why_a_bypass_is_ignored_holds_no_control_character_whatever_its_keys_hold() -> None:
    """A key is quoted in the why (an extra input); `greenlight bypass show` prints the why to a terminal."""
    from common.config.bypass_parameter import CONTROL_CHARACTERS

    text = json.loads(holding())
    text["\u001b[2J\u001b[31mAPPROVED\nby security\u202e"] = 1
    found = parse(json.dumps(text), NAME, NOW)
    assert isinstance(found, IgnoredBypass) and "unknown key (valid here: by, reason, expires_at)" in found.why
    assert CONTROL_CHARACTERS.search(found.why) is None and "\\u001b[2J\\u001b[31mAPPROVED\\u000aby" in found.why
