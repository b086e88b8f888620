"""The fleet commands against moto's SSM: the bypass written and cleared, the layered config shown with its
sources and checked, and `--version`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws

from common.config.bypass_parameter import parse
from common.payload.models import Bypass
from greenlight.cli.main import main
from greenlight.samples.service import BAD, SampleService
from tests.functions.common.config.test_config_layers import large_config
from tests.support.quick_config import quick_config

GROUP = "/greenlight/bypass/orders/orders-dg"


@pytest.fixture
def ssm() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"greenlight {version('greenlight')}"


def test_bypass_set_writes_what_finalize_applies(ssm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    # WHEN an engineer sets a bypass for one deployment group for an hour
    args = ["bypass", "set", "--application", "orders", "--deployment-group", "orders-dg"]
    code = main([*args, "--reason", "INC-42 greenlight down", "--expires-in", "1h", "--by", "jane"])
    # THEN the parameter Finalize reads holds it, by jane and the caller's identity, for about an hour
    assert code == 0
    found = parse(ssm.get_parameter(Name=GROUP)["Parameter"]["Value"], GROUP, datetime.now(UTC))
    assert isinstance(found, Bypass)
    assert found.by.startswith("jane (arn:aws:") and found.reason == "INC-42 greenlight down"
    assert timedelta(minutes=59) < found.expires_at - datetime.now(UTC) <= timedelta(hours=1)
    assert "bypassed by jane" in capsys.readouterr().out
    # ... `show` says it is in force, and `clear` deletes it
    assert main(["bypass", "show", "--application", "orders", "--deployment-group", "orders-dg"]) == 0
    assert "in force: bypassed until " in (shown := capsys.readouterr().out) and "the value says by jane" in shown
    assert main(["bypass", "clear", "--application", "orders", "--deployment-group", "orders-dg"]) == 0
    assert ssm.get_parameters(Names=[GROUP])["InvalidParameters"] == [GROUP]


def test_bypass_for_all_and_clearing_nothing(ssm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bypass", "set", "--all", "--reason", "regional incident", "--expires-in", "30m"]) == 0
    assert json.loads(ssm.get_parameter(Name="/greenlight/bypass/all")["Parameter"]["Value"])["reason"]
    assert main(["bypass", "clear", "--all"]) == 0 and main(["bypass", "clear", "--all"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "/greenlight/bypass/all: no bypass to clear"


@pytest.mark.parametrize(
    ("expires_in", "message"),
    [
        ("25h", "at most 24h, not 25h"),
        ("0m", "more than 0"),
        ("forever", "a duration such as"),
        ("", "a duration such as"),
    ],
)
def test_the_expiry_is_mandatory_and_capped(
    ssm: Any, expires_in: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bypass", "set", "--all", "--reason", "r", "--expires-in", expires_in]) == 2
    assert message in capsys.readouterr().err
    assert ssm.get_parameters(Names=["/greenlight/bypass/all"])["Parameters"] == []


def test_config_show_layers_ssm_and_files_with_sources(
    ssm: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the stack-wide layer and the group's layer in SSM, and a local change on top
    ssm.put_parameter(Name="/greenlight/default", Value="health: {path: /healthz}\nfail_fast: true\n", Type="String")
    ssm.put_parameter(Name="/greenlight/orders/orders-dg", Value="synthetic: {concurrency: 4}\n", Type="String")
    change = tmp_path / "change.yaml"
    change.write_text("synthetic: {total_requests: 50}\n")
    args = ["config", "show", "--application", "orders", "--deployment-group", "orders-dg", "--from-ssm"]
    # WHEN the effective config is shown
    assert main([*args, "--file", str(change)]) == 0
    out = capsys.readouterr().out
    # THEN each value names the layer it came from, and the output is the config itself, as YAML
    assert '  path: "/healthz"  # ssm:/greenlight/default' in out
    assert "fail_fast: true  # ssm:/greenlight/default" in out
    assert "  concurrency: 4  # ssm:/greenlight/orders/orders-dg" in out
    assert f"  total_requests: 50  # file:{change}" in out
    assert "  consecutive_successes: 3  # defaults" in out
    shown = yaml.safe_load(out)
    assert (shown["health"]["path"], shown["synthetic"]["concurrency"], shown["metrics"]["bake_seconds"]) == (
        "/healthz",
        4,
        0,
    )
    # ... and as JSON, for scripts
    assert main([*args, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["sources"]["synthetic.concurrency"] == "ssm:/greenlight/orders/orders-dg"
    assert document["layers"] == ["defaults", "ssm:/greenlight/default", "ssm:/greenlight/orders/orders-dg"]


def test_config_show_refuses_an_invalid_layering_naming_the_field(ssm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ssm.put_parameter(Name="/greenlight/orders/orders-dg", Value="synthetic: {concurrency: 0}\n", Type="String")
    args = ["config", "show", "--application", "orders", "--deployment-group", "orders-dg", "--from-ssm"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "ssm:/greenlight/orders/orders-dg" in err and "synthetic.concurrency" in err and err.count("\n") == 1


def test_config_show_follows_a_pointer_to_s3_as_prepare_does(ssm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the group's layer in S3 (40 KB: past SSM's 8 KB), its SSM parameter pointing at it
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="orders-configs")
    s3.put_bucket_versioning(Bucket="orders-configs", VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket="orders-configs", Key="orders-dg.yaml", Body=large_config().encode())["VersionId"]
    ssm.put_parameter(Name="/greenlight/orders/orders-dg", Value="s3://orders-configs/orders-dg.yaml", Type="String")
    args = ["config", "show", "--application", "orders", "--deployment-group", "orders-dg", "--from-ssm"]
    # WHEN it is shown with the stack's bucket THEN the first line names the layer, the object and its version
    assert main([*args, "--config-bucket", "orders-configs"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    layer = f"ssm:/greenlight/orders/orders-dg -> s3://orders-configs/orders-dg.yaml?versionId={version}"
    assert first == f"# effective greenlight config for orders/orders-dg: defaults + {layer} (valid)"
    # ... and without it, or with another, it is refused as Prepare would refuse it
    assert main(args) == 2
    assert "the stack has no ConfigBucketName" in capsys.readouterr().err
    assert main([*args, "--config-bucket", "payments-configs"]) == 2
    assert "only the stack's ConfigBucketName (payments-configs)" in capsys.readouterr().err


def test_config_check_takes_a_layer_for_s3_and_refuses_one_over_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fits, over = tmp_path / "orders-dg.yaml", tmp_path / "too-big.yaml"
    fits.write_text(large_config())
    over.write_text(large_config() + "# " + "x" * 40_000 + "\n")
    assert main(["config", "check", str(fits)]) == 0
    assert "bytes: over an SSM parameter's 8 KB, so it must live in S3 or AppConfig)" in capsys.readouterr().out
    assert main(["config", "check", str(fits), str(over)]) == 2
    captured = capsys.readouterr()
    assert f"{fits}: valid (" in captured.out
    assert "is over the 65536 bytes a config may have (a layer from S3 or AppConfig: 64 KiB)" in captured.err


def test_config_check_exits_2_naming_the_field_of_each_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad, broken = tmp_path / "good.yaml", tmp_path / "bad.yaml", tmp_path / "broken.yaml"
    good.write_text("health: {path: /health}\n")
    bad.write_text("metrics: {period_seconds: 90}\n")
    broken.write_text("health: [unclosed\n")
    assert main(["config", "check", str(good)]) == 0
    assert main(["config", "check", str(good), str(bad), str(broken)]) == 2
    captured = capsys.readouterr()
    assert f"{good}: valid" in captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 2 and "metrics.period_seconds" in lines[0] and "not valid YAML" in lines[1]


def test_config_check_says_one_line_a_file_whatever_its_name_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a valid and an invalid config whose names hold a line break and a terminal escape
    good, bad = tmp_path / "good\nnext.yaml", tmp_path / "bad\x1b[2J.yaml"
    good.write_text("health: {path: /health}\n")
    bad.write_text("metrics: {period_seconds: 90}\n")
    assert main(["config", "check", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    # THEN each file gets one line, its name's controls written out, none sent to the terminal as it came
    assert captured.out == f"{tmp_path}/good\\x0anext.yaml: valid\n"
    assert captured.err.count("\n") == 1 and "\x1b" not in captured.err
    assert captured.err.startswith(f"{tmp_path}/bad\\x1b[2J.yaml: invalid config (defaults + file:{tmp_path}/bad\\x1b")


def local_run(capsys: pytest.CaptureFixture[str], url: str, *parameters: str) -> tuple[int, dict[str, Any]]:
    args = ["local", "run", "--target-url", url, "--application", "orders", "--deployment-group", "orders-dg"]
    code = main([*args, *(f"--parameter={p}" for p in parameters), "--json"])
    return code, json.loads(capsys.readouterr().out)


def seeded_bypass(expires_in: timedelta) -> str:
    expires_at = (datetime.now(UTC) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{GROUP}=" + json.dumps({"by": "jane", "reason": "INC-42 greenlight down", "expires_at": expires_at})


@pytest.mark.parametrize(
    ("expires_in", "verdict", "code"), [(timedelta(hours=1), "Succeeded", 0), (timedelta(minutes=-5), "Failed", 1)]
)
def test_a_bypass_seeded_locally_lets_a_failing_service_through_until_it_expires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expires_in: timedelta, verdict: str, code: int
) -> None:
    # GIVEN a failing release, its group's config layered in the local Parameter Store, and a bypass for the group
    config = tmp_path / "orders.yaml"
    config.write_text(quick_config(synthetic={"requests": [{"path": "/api/items"}]}))
    with SampleService(BAD) as service:
        # WHEN it is validated locally
        exit_code, result = local_run(
            capsys, service.url, f"/greenlight/orders/orders-dg=@{config}", seeded_bypass(expires_in)
        )
    report = result["report"]
    # THEN the validations still ran and failed, and the verdict is the bypass's while it is valid
    assert (exit_code, result["verdict"], result["callback"]["status"]) == (code, verdict, verdict)
    assert "failed" in {v["status"] for v in report["validations"]}
    assert report["config_source"] == ["defaults", "ssm:/greenlight/orders/orders-dg"]
    [announced] = [e["detail"] for e in result["events"] if e["detail-type"] == "Greenlight Verdict"]
    assert announced["verdict"] == verdict and announced["application_name"] == "orders"
    if verdict == "Succeeded":
        # the value's claim, and the writer as the local Parameter Store recorded it (the local run's user)
        writer = "AWS records arn:aws:iam::123456789012:user/local as the parameter's writer"
        assert report["bypass"]["by"] == "jane" and report["bypass"]["written_by"].endswith(":user/local")
        assert "bypassed until " in report["reason"]
        assert f"; {writer}; the value says by jane: INC-42 greenlight down" in report["reason"]
        assert announced["bypass"]["parameter"] == GROUP
    else:
        assert report["bypass"] is None and report["bypass_ignored"][0]["why"].startswith("expired at")
        assert announced["bypass_ignored"][0]["parameter"] == GROUP


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["local", "run", "--target-url", "http://127.0.0.1:9", "--parameter", "no-equals"], "NAME=VALUE"),
        (["local", "run", "--target-url", "http://127.0.0.1:9", "--parameter", "/x=@/nonexistent"], "cannot read"),
        (["config", "show", "--from-ssm"], "--from-ssm needs --application and --deployment-group"),
        (["bypass", "set", "--application", "a", "--reason", "r", "--expires-in", "1h"], "--deployment-group"),
    ],
)
def test_fleet_usage_errors_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
