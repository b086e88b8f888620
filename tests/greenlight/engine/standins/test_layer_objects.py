"""Files standing for config layers in S3 or AppConfig on the local engine: the stack they make is one AWS accepts."""

from __future__ import annotations

import re

import pytest

from greenlight.engine.standins.layer_objects import APPLICATION_ID, LayerObjectError, stack_parameters
from greenlight.project import Project


def test_an_appconfig_application_given_by_name_is_refused_as_the_stack_would_refuse_it() -> None:
    # On AWS ConfigAppConfigApplicationId takes an ID only, and Prepare refuses a pointer naming another: a local
    # run that took a name would pass where the deployed stack fails.
    with pytest.raises(LayerObjectError, match="name it by its ID"):
        stack_parameters({"appconfig://OrdersConfig/prod/orders": "health: {}\n"}, {})
    assert stack_parameters({"appconfig://abc1234/prod/orders": "health: {}\n"}, {}) == {
        "ConfigAppConfigApplicationId": "abc1234"
    }


def test_the_application_id_pattern_is_the_templates(project: Project) -> None:
    allowed = project.template["Parameters"]["ConfigAppConfigApplicationId"]["AllowedPattern"]
    assert allowed == "^$|" + APPLICATION_ID.pattern and re.fullmatch(allowed, "abc1234")
