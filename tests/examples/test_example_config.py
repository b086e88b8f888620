"""examples/greenlight.yaml runs locally as shipped: its Secrets Manager header and its alarm are supplied by
`greenlight local run --secret` and `--alarm`, as the user's AWS account would hold them."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest

from greenlight.cli.main import main
from greenlight.engine.user_resources import ALARM_STATES
from tests.conftest import ROOT
from tests.support.servers import Behaviour, serve

EXAMPLE = ROOT / "examples" / "greenlight.yaml"
SECRET = "greenlight/tenants/orders/orders-dg/api-token"
TOKEN = "Bearer example-token-7f3a"


def orders(behaviour: Behaviour) -> Behaviour:
    """What the example's requests expect of the orders service: JSON items with a status."""
    behaviour.body = {"items": [{"id": 1, "status": "open"}]}
    return behaviour


def run(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> tuple[int, dict[str, object]]:
    shipped = [
        "local", "run", "--target-url", url, "--config", str(EXAMPLE), "--application", "orders",
        "--deployment-group", "orders-dg", "--time-scale", "0", "--metrics-delay", "0", "--json",
    ]  # fmt: skip
    code = main([*shipped, *extra])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.engine
def test_the_shipped_example_passes_a_good_release_with_its_secret_sent(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(orders(Behaviour())) as (url, behaviour):
        code, report = run(capsys, url, "--secret", f"{SECRET}={TOKEN}", "--alarm", "orders-api-latency")
    assert (code, report["verdict"]) == (0, "Succeeded"), report["reason"]
    to_orders = [r for r in behaviour.requests if r["path"].startswith("/api/orders")]
    assert to_orders and all(r["headers"].get("Authorization") == TOKEN for r in to_orders)
    assert TOKEN not in json.dumps(report)  # read at run time, never reported


@pytest.mark.engine
def test_the_example_fails_a_release_whose_orders_break_the_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(Behaviour(body={"items": [{"id": 1, "status": "lost"}]})) as (url, _):
        code, report = run(capsys, url, "--secret", f"{SECRET}={TOKEN}", "--alarm", "orders-api-latency")
    assert (code, report["verdict"]) == (1, "Failed")
    assert "synthetic" in str(report["reason"])


@pytest.mark.engine
def test_an_alarm_in_alarm_fails_the_release_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(orders(Behaviour())) as (url, _):
        code, report = run(capsys, url, "--secret", f"{SECRET}={TOKEN}", "--alarm", "orders-api-latency=ALARM")
    assert (code, report["verdict"]) == (1, "Failed")
    assert "orders-api-latency" in str(report["reason"])


@pytest.mark.engine
def test_without_the_secret_the_run_says_secrets_manager_has_none(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(orders(Behaviour())) as (url, behaviour):
        code, report = run(capsys, url, "--alarm", "orders-api-latency")
    assert code == 1
    assert "ResourceNotFoundException" in str(report["reason"])
    assert not [r for r in behaviour.requests if r["path"].startswith("/api/orders")]  # nothing sent without it


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--alarm", "orders-api-latency=RED", "--alarm takes NAME or NAME=STATE with STATE one of OK, ALARM"),
        ("--alarm", "=OK", "--alarm takes NAME or NAME=STATE"),
        ("--secret", "no-value", "--secret takes NAME=VALUE"),
        ("--secret", "a=@/nonexistent/token", "cannot read --secret a=@/nonexistent/token"),
    ],
)
def test_a_bad_secret_or_alarm_is_refused_on_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    code = main(["local", "run", "--target-url", "http://127.0.0.1:9", option, value])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_the_same_secret_twice_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["local", "run", "--target-url", "http://127.0.0.1:9", "--secret", "a=1", "--secret", "a=2"])
    assert code == 2 and "--secret names a twice" in capsys.readouterr().err


def test_the_alarm_states_are_cloudwatch_s() -> None:
    model = botocore.session.get_session().get_service_model("cloudwatch")
    assert tuple(model.shape_for("StateValue").enum) == ALARM_STATES
