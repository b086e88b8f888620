"""The custom checks' config: refused when validated, naming the field, for whatever could not run as written."""

from __future__ import annotations

from typing import Any

import pytest

from common.config import ConfigError, validate
from common.config.sections.checks import MAX_CHECKS


def webhook(**settings: Any) -> dict[str, Any]:
    return {"name": "smoke", "url": "https://checks.orders.example.com/smoke", **settings}


def refused(document: dict[str, Any], prefix: str = "greenlight-check-") -> str:
    with pytest.raises(ConfigError) as error:
        validate(document, "file:team.yaml", prefix)
    return str(error.value)


def test_a_new_check_starts_in_dry_run_with_a_deadline() -> None:
    config = validate(
        {"webhooks": [webhook()], "lambda_checks": [{"name": "db", "function": "greenlight-check-db"}]}, "t"
    )
    assert [c.dry_run for c in config.checks()] == [True, True]
    assert [c.timeout_seconds for c in config.checks()] == [30.0, 30.0]
    assert [c.name for c in config.checks()] == ["smoke", "db"]


@pytest.mark.parametrize(
    ("function", "prefix", "named"),
    [
        ("payments-db", "greenlight-check-", "function payments-db does not start with greenlight-check-"),
        ("greenlight-check-db", "orders-check-", "function greenlight-check-db does not start with orders-check-"),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:greenlight-check-db",
            "greenlight-check-",
            "give the name, not an ARN",
        ),
        ("greenlight-check-db:live:2", "greenlight-check-", "optionally with :alias or :version"),
    ],
)
def test_a_lambda_check_outside_the_stacks_prefix_is_refused(function: str, prefix: str, named: str) -> None:
    assert named in refused({"lambda_checks": [{"name": "db", "function": function}]}, prefix)


def test_a_qualified_function_under_the_prefix_is_accepted() -> None:
    config = validate({"lambda_checks": [{"name": "db", "function": "orders-check-db:live"}]}, "t", "orders-check-")
    assert config.lambda_checks[0].function == "orders-check-db:live"


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[fd00:ec2::254]/", "an EC2 metadata address"),
        ("http://0x7f.0.0.1.nip.io:8080/", None),  # a name: judged when it resolves, not here
        ("http://0.0.0.0:8080/", "an unspecified address"),
        ("http://[::ffff:169.254.169.254]/", "a link-local address"),
        ("ftp://checks.example.com/", "is not an http:// or https:// URL with a host"),
        ("https://user:pw@checks.example.com/", "carries no user or password"),
        ("https://checks.example.com/#top", "has no #fragment"),
        ("https://checks.example.com/a b", "no spaces, line breaks or control characters"),
    ],
)
def test_a_webhook_url_is_checked_as_the_guard_will_judge_it(url: str, named: str | None) -> None:
    document = {"webhooks": [webhook(url=url)]}
    if named is None:
        validate(document, "t")
    else:
        assert named in refused(document)


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("Host", "header Host is set by greenlight"),
        ("Content-Type", "header Content-Type is set by greenlight"),
        ("content-length", "the header content-length may not be set: it is a hop-by-hop or framing header"),
        ("Transfer-Encoding", "the header Transfer-Encoding may not be set"),
        ("Connection", "the header Connection may not be set"),
        ("Proxy-Authorization", "the header Proxy-Authorization may not be set"),
    ],
)
def test_headers_greenlight_or_the_connection_owns_are_refused(header: str, named: str) -> None:
    assert named in refused({"webhooks": [webhook(headers={header: "x"})]})


def test_a_secret_header_is_a_reference() -> None:
    config = validate({"webhooks": [webhook(headers={"Authorization": {"ssm": "/greenlight/orders/token"}})]}, "t")
    assert config.webhooks[0].headers["Authorization"].ssm == "/greenlight/orders/token"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"webhooks": [webhook(), webhook()]}, "two checks are named smoke"),
        ({"webhooks": [webhook(name="metrics")]}, "a check may not be named metrics"),
        ({"webhooks": [webhook(name="Smoke Test")]}, "webhooks.0.name: String should match pattern"),
        (
            {"webhooks": [webhook(timeout_seconds=601)]},
            "webhooks.0.timeout_seconds: Input should be less than or equal to 600",
        ),
        ({"webhooks": [webhook(lifecycle_events=["AfterInstall"])]}, "at AfterInstall no listener routes to GREEN yet"),
        ({"webhooks": [webhook(expect={"json": []})]}, "webhooks.0.expect.json: List should have at least 1 item"),
        (
            {"webhooks": [webhook(expect={"json": [{"path": "$..status", "equals": "ok"}]})]},
            "expect.json.0.path: '$..status' cannot be read",
        ),
    ],
)
def test_what_could_not_run_as_written_is_refused_naming_the_field(document: dict[str, Any], named: str) -> None:
    assert named in refused(document)


def test_at_most_ten_checks_together() -> None:
    hooks = [webhook(name=f"hook-{i}") for i in range(6)]
    functions = [{"name": f"fn-{i}", "function": f"greenlight-check-{i}"} for i in range(5)]
    assert f"name 11 checks together; at most {MAX_CHECKS}" in refused({"webhooks": hooks, "lambda_checks": functions})
