"""What the example's tests share: the ecs-bluegreen stack and its walkthrough."""

from __future__ import annotations

from typing import Any

import pytest

from greenlight.project import load_template
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "ecs-bluegreen"
STACK = "shop"
README = (EXAMPLE / "README.md").read_text()


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return dict(load_template(EXAMPLE / "template.yaml")["Resources"])
