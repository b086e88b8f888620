"""The second Step Functions engine these tests run on, and the bridge that lets it run the real handlers.

`make sfn-localstack` sets GREENLIGHT_LOCALSTACK=1: LocalStack starts once for the session from .venv-localstack
(tests/sfn_local/localstack_process.py) and stops by its pid at the end, whatever happened. `make sfn-local` with
Docker sets SFN_LOCAL_ENDPOINT to Step Functions Local instead (the MockConfigFile cases only: it cannot reach the
real handlers). Without either, or without Python 3.13 for LocalStack, every test here skips and says why (fails,
with GREENLIGHT_LOCALSTACK_REQUIRED=1, as in CI); a .venv-localstack that cannot run LocalStack fails, never skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from tests.conftest import ROOT
from tests.sfn_local import localstack_process
from tests.sfn_local.bridge import Bridge

MOCK_CONFIG = ROOT / "tests" / "MockConfigFile.json"
NO_ENGINE = (
    "no second Step Functions engine: `make sfn-localstack` runs these on LocalStack (no Docker), "
    "`make sfn-local` on Step Functions Local (Docker)"
)


def wants_localstack() -> bool:
    return os.environ.get("GREENLIGHT_LOCALSTACK") == "1"


def required() -> bool:
    """CI (`.ci/run`) sets GREENLIGHT_LOCALSTACK_REQUIRED=1: there, `make sfn-localstack` without LocalStack (no Python
    3.13 to make .venv-localstack) is a failure, not a skip."""
    return os.environ.get("GREENLIGHT_LOCALSTACK_REQUIRED") == "1"


def without_localstack(reason: str) -> NoReturn:
    """Skip saying why, or fail saying why where the second engine is required."""
    if required():
        pytest.fail(f"GREENLIGHT_LOCALSTACK_REQUIRED=1, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def bridge() -> Iterator[Bridge]:
    with Bridge() as serving:
        yield serving


@pytest.fixture(scope="session")
def localstack(bridge: Bridge) -> Iterator[str]:
    """LocalStack's endpoint, its Lambda and CodeDeploy tasks bridged to the engine the bridge serves."""
    if not wants_localstack():
        if os.environ.get("SFN_LOCAL_ENDPOINT"):
            pytest.skip("needs LocalStack (`make sfn-localstack`): Step Functions Local cannot reach the real handlers")
        pytest.skip(NO_ENGINE)
    try:
        localstack_process.python()
    except localstack_process.LocalStackUnavailableError as missing:
        without_localstack(str(missing))
    with localstack_process.running(MOCK_CONFIG, bridge.url) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def sfn_endpoint(request: pytest.FixtureRequest) -> str:
    """Step Functions Local's endpoint when SFN_LOCAL_ENDPOINT names one, LocalStack's otherwise."""
    if endpoint := os.environ.get("SFN_LOCAL_ENDPOINT"):
        return endpoint
    return str(request.getfixturevalue("localstack"))
