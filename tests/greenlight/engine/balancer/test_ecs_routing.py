"""The emulated listener's rule matching, as an ALB matches (elbv2 RuleCondition), and the request discovery builds
from a rule: what discovery sends always satisfies the rule it was built from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenlight.engine.balancer.rules import rule_matches
from prepare.ecs_rules import concrete, request_for

HOST = {"Field": "host-header", "HostHeaderConfig": {"Values": ["shop-test.*.example.com"]}}
HEADER = {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Test", "Values": ["on", "yes"]}}
QUERY = {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "canary", "Value": "1"}]}}
PATH = {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}


@pytest.mark.parametrize(
    ("target", "headers", "matches"),
    [
        ("/api/items?canary=1", {"Host": "shop-test.eu.example.com:80", "X-Test": "yes"}, True),
        ("/api/items?canary=1", {"Host": "SHOP-TEST.eu.example.com", "X-Test": "ON"}, True),  # case-insensitive
        ("/api/items?canary=1", {"Host": "shop.example.com", "X-Test": "yes"}, False),  # host misses
        ("/api/items", {"Host": "shop-test.eu.example.com", "X-Test": "yes"}, False),  # no query
        ("/health?canary=1", {"Host": "shop-test.eu.example.com", "X-Test": "yes"}, False),  # path misses
        ("/api/items?canary=1", {"Host": "shop-test.eu.example.com"}, False),  # no header
    ],
)
def test_every_condition_must_match_any_of_its_values(target: str, headers: dict[str, str], matches: bool) -> None:
    assert rule_matches([HOST, HEADER, QUERY, PATH], "GET", target, headers) is matches


def test_the_legacy_values_form_is_read() -> None:
    legacy = {"Field": "host-header", "Values": ["*.example.com"]}
    assert rule_matches([legacy], "GET", "/", {"Host": "a.example.com"})
    assert not rule_matches([legacy], "GET", "/", {"Host": "example.org"})


pattern = st.text(alphabet="ab.-*?", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(host=pattern, header=pattern, key=pattern, value=pattern)
def test_what_discovery_sends_satisfies_the_rule_it_read(host: str, header: str, key: str, value: str) -> None:
    conditions = [
        {"Field": "host-header", "HostHeaderConfig": {"Values": [host]}},
        {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Test", "Values": [header]}},
        {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": key, "Value": value}]}},
    ]
    request = request_for({"Conditions": conditions})
    query = "&".join(f"{k}={v}" for k, v in request.query.items())
    assert rule_matches(conditions, "GET", f"/?{query}", request.all_headers())
    assert request.host == concrete(host)
