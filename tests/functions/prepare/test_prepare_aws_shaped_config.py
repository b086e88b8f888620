"""Prepare reading its config layer from SSM as AWS answers it: a config that is no config is not ready, naming the
cause; the plan grants the deployment group's secrets named in its layer, and refuses another team's."""

from __future__ import annotations

import pytest

from tests.functions.prepare.conftest import PREFIX, run_prepare
from tests.support.bad_configs import BAD_CONFIGS

# A parameter holds UTF-8 text of at most 8 KB: the files that are not, or are larger, could not be stored.
STORABLE = {name: case for name, case in BAD_CONFIGS.items() if len(case[0]) <= 8192 and case[1] != "not UTF-8"}


@pytest.mark.parametrize(("data", "phrase"), [pytest.param(*case, id=name) for name, case in STORABLE.items()])
def test_each_bad_config_in_ssm_is_not_ready_naming_the_cause(data: bytes, phrase: str) -> None:
    output = run_prepare("AfterAllowTestTraffic", config_text=data.decode())
    assert output["ready"] is False
    [problem] = output["results"]
    assert problem["status"] == "error" and phrase in problem["reason"]
    assert f"ssm:{PREFIX}/shop/shop-dg" in problem["reason"] and "\n" not in problem["reason"]


def test_the_plan_grants_the_groups_secrets_named_in_its_layer() -> None:
    # GIVEN the shop/shop-dg layer naming its own secrets (the fixture's config)
    plan = run_prepare("AfterAllowTestTraffic")["plan"]
    # THEN the plan grants that deployment group, and no shared secret (the default layer names none)
    assert plan["secrets"] == {
        "application": "shop",
        "deployment_group": "shop-dg",
        "shared_ssm": [],
        "shared_secretsmanager": [],
    }


def test_a_layer_naming_another_teams_secret_is_not_ready_naming_the_reference() -> None:
    # GIVEN the shop/shop-dg layer naming the payments team's secret (issue 24's cross-tenant read)
    config = "synthetic:\n  requests:\n    - headers: {Authorization: {ssm: /greenlight/tenants/payments/p-dg/key}}\n"
    output = run_prepare("AfterAllowTestTraffic", config_text=config)
    # THEN Prepare refuses before anything is read: not ready, the reason naming the reference, its layer and the rule
    assert output["ready"] is False and output["plan"] is None
    [result] = output["results"]
    assert result["status"] == "error"
    assert "synthetic.requests.0.headers.Authorization (from ssm:/greenlight/shop/shop-dg)" in result["reason"]
    assert (
        "{ssm: /greenlight/tenants/payments/p-dg/key} is outside the deployment group's namespace" in (result["reason"])
    )
