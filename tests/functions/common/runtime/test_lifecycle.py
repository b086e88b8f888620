"""What may run at each lifecycle event (docs/configuration.md), enforced by the config."""

from __future__ import annotations

from typing import Any

import pytest

from common.config import ConfigError, validate
from common.runtime import lifecycle

EVENTS = list(lifecycle.STAGES)
ROUTED = ["AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"]


def only(section: str, events: list[str], **settings: Any) -> dict[str, Any]:
    """A config running `section` at `events` and every other validation nowhere it could not."""
    document: dict[str, Any] = {name: {"enabled": False} for name in ("health", "synthetic", "metrics")}
    document[section] = {"lifecycle_events": events, **settings}
    return document


def test_the_table_covers_every_ecs_hook_in_codedeploys_order() -> None:
    assert EVENTS == [
        "BeforeInstall",
        "AfterInstall",
        "AfterAllowTestTraffic",
        "BeforeAllowTraffic",
        "AfterAllowTraffic",
    ]


@pytest.mark.parametrize("section", ["health", "synthetic", "metrics"])
def test_nothing_that_judges_green_may_run_before_install(section: str) -> None:
    with pytest.raises(ConfigError, match=rf"{section}: .*BeforeInstall.*there is no GREEN task set yet"):
        validate(only(section, ["BeforeInstall"], **({"check_http": False} if section == "health" else {})), "t")


@pytest.mark.parametrize("section", ["synthetic", "metrics"])
def test_traffic_checks_are_refused_after_install_saying_why(section: str) -> None:
    with pytest.raises(ConfigError, match=r"AfterInstall.*the test listener still sends to BLUE.*would test BLUE"):
        validate(only(section, ["AfterInstall"]), "t")


def test_health_after_install_needs_http_off_and_says_how() -> None:
    with pytest.raises(ConfigError, match=r"set health\.check_http: false"):
        validate(only("health", ["AfterInstall"]), "t")
    config = validate(only("health", ["AfterInstall"], check_http=False), "t")
    assert config.health.check_targets and not config.health.check_http


@pytest.mark.parametrize("event", ROUTED)
@pytest.mark.parametrize("section", ["health", "synthetic", "metrics"])
def test_every_validation_may_run_once_a_listener_routes_to_green(section: str, event: str) -> None:
    assert event in getattr(validate(only(section, [event]), "t"), section).lifecycle_events


def test_a_disabled_section_may_name_any_event() -> None:
    document = only("synthetic", ["BeforeInstall"])
    document["synthetic"]["enabled"] = False
    assert validate(document, "t").synthetic.enabled is False


def test_health_must_check_something() -> None:
    with pytest.raises(ConfigError, match="nothing left to check"):
        validate({"health": {"check_http": False, "check_targets": False}}, "t")


def test_the_production_listener_reaches_green_only_after_allow_traffic() -> None:
    routes = {event: lifecycle.stage(event).green_route for event in EVENTS}
    assert routes == {
        "BeforeInstall": None,
        "AfterInstall": None,
        "AfterAllowTestTraffic": lifecycle.TEST,
        "BeforeAllowTraffic": lifecycle.TEST,
        "AfterAllowTraffic": lifecycle.PRODUCTION,
    }


def test_ecs_stages_offer_what_their_codedeploy_equivalents_do() -> None:
    # PRE_SCALE_UP ~ BeforeInstall, POST_SCALE_UP ~ AfterInstall, POST_TEST_TRAFFIC_SHIFT ~ AfterAllowTestTraffic,
    # POST_PRODUCTION_TRAFFIC_SHIFT ~ AfterAllowTraffic (AWS's migration guide from CodeDeploy to ECS blue/green)
    pairs = {
        "PRE_SCALE_UP": "BeforeInstall",
        "POST_SCALE_UP": "AfterInstall",
        "POST_TEST_TRAFFIC_SHIFT": "AfterAllowTestTraffic",
        "POST_PRODUCTION_TRAFFIC_SHIFT": "AfterAllowTraffic",
    }
    for ecs_stage, event in pairs.items():
        assert lifecycle.stage(ecs_stage) == lifecycle.stage(event), ecs_stage
    assert lifecycle.why_not("TEST_TRAFFIC_SHIFT", True, True) is not None  # the test rule's weights still shift
    assert lifecycle.why_not("POST_SCALE_UP", True, False) is None  # target health alone can run there


@pytest.mark.parametrize("section", ["health", "synthetic"])
def test_requests_are_refused_at_a_weighted_production_step_saying_why(section: str) -> None:
    # at PRODUCTION_TRAFFIC_SHIFT the production rule forwards a share to GREEN and the rest to BLUE
    with pytest.raises(ConfigError, match=r"PRODUCTION_TRAFFIC_SHIFT the production rule forwards a weighted share"):
        validate(only(section, ["PRODUCTION_TRAFFIC_SHIFT"]), "t")


def test_metrics_and_target_health_judge_a_weighted_step_per_target_group() -> None:
    assert validate(only("metrics", ["PRODUCTION_TRAFFIC_SHIFT"]), "t").metrics.lifecycle_events
    assert validate(only("health", ["PRODUCTION_TRAFFIC_SHIFT"], check_http=False), "t").health.check_targets


@pytest.mark.parametrize("section", ["health", "synthetic", "metrics"])
@pytest.mark.parametrize(
    "stage", ["POST_TEST_TRAFFIC_SHIFT", "PRE_PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"]
)
def test_requests_may_run_where_one_rule_routes_to_green_alone(section: str, stage: str) -> None:
    assert stage in getattr(validate(only(section, [stage]), "t"), section).lifecycle_events


def test_before_allow_traffic_stands_for_the_stage_before_the_production_shift_only() -> None:
    from prepare.ecs_stages import codedeploy_event

    # CodeDeploy's BeforeAllowTraffic: before production traffic moves; ECS's PRE_PRODUCTION_TRAFFIC_SHIFT likewise.
    # A config naming BeforeAllowTraffic for synthetic never plans it at a weighted PRODUCTION_TRAFFIC_SHIFT.
    assert codedeploy_event("PRE_PRODUCTION_TRAFFIC_SHIFT") == "BeforeAllowTraffic"
    assert codedeploy_event("PRODUCTION_TRAFFIC_SHIFT") == "PRODUCTION_TRAFFIC_SHIFT"
    assert lifecycle.stage("PRE_PRODUCTION_TRAFFIC_SHIFT") == lifecycle.stage("BeforeAllowTraffic")
