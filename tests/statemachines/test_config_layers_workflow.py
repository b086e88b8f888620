"""Config layers past 8 KB in the real workflow: files standing for S3 objects and AppConfig configurations."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from greenlight.engine import LocalEngine, LocalRunResult
from greenlight.engine.run.local_run import LocalRunError, LocalRunOptions, run_local
from greenlight.project import Project
from greenlight.samples.service import GOOD, SampleService
from tests.functions.common.config.test_config_layers import large_config
from tests.support.quick_config import QUICK, QUICK_RUN

pytestmark = pytest.mark.engine

GROUP = "/greenlight/sample-service/sample-service-dg"
OBJECT = "s3://orders-configs/orders-dg.yaml"


def quick_large_config(size: int = 40_000) -> str:
    """The quick settings and a scenario of 100 requests, with the team's notes up to `size` bytes: 40 KB is five
    times what an SSM parameter holds."""
    document = yaml.safe_load(large_config())
    # its requests' latency limit (800 ms) needs a deadline past it: a limit no request can reach is refused
    document["synthetic"] |= {**QUICK["synthetic"], "total_requests": 100, "request_timeout_seconds": 3}
    for request in document["synthetic"]["requests"]:  # about the layer, not latency: room for a loaded machine
        request["expect"]["max_latency_ms"] = 2500
    text = yaml.safe_dump({**QUICK, "synthetic": document["synthetic"]}, width=1000)
    note = "# the orders team keeps one request per catalogue case\n"
    return text + note * ((size - len(text.encode())) // len(note) + 1)


def run_with(project: Project, objects: dict[str, str], pointer: str, **options: Any) -> LocalRunResult:
    with SampleService(GOOD) as service:
        given = LocalRunOptions(
            target_url=service.url,
            **QUICK_RUN,
            objects=objects,
            ssm_parameters={GROUP: pointer},
            **options,
        )
        return run_local(given, project)


def test_a_40_kb_layer_in_s3_is_read_and_named_with_its_version(project: Project) -> None:
    text = quick_large_config()
    assert 40_000 <= len(text.encode()) <= 41_000
    report = run_with(project, {OBJECT: text}, OBJECT)
    assert report.verdict == "Succeeded", report.reason
    assert report.report is not None
    source = report.report.config_source[-1]
    assert source.startswith(f"ssm:{GROUP} -> {OBJECT}?versionId=") and not source.endswith("=null")
    [synthetic] = [v for v in report.validations if v.name == "synthetic"]
    assert synthetic.observed["requests"] == 100


def test_a_layer_in_appconfig_is_read_through_appconfig_data(project: Project) -> None:
    pointer = "appconfig://abc1234/prod/orders-dg"
    report = run_with(project, {pointer: quick_large_config()}, pointer)
    assert report.verdict == "Succeeded", report.reason
    assert report.report is not None and report.report.config_source[-1] == f"ssm:{GROUP} -> {pointer} (version 1)"


def test_a_layer_over_the_limit_is_refused_naming_the_limit(project: Project) -> None:
    text = quick_large_config(66_000)
    with pytest.raises(LocalRunError, match=r"over the 65536 bytes a config may have \(a layer from S3 or AppConfig"):
        run_with(project, {OBJECT: text}, OBJECT)


def test_prepare_refuses_a_layer_over_the_limit_with_a_failed_verdict(project: Project) -> None:
    """An object too large put in the bucket after the CLI checked the files: Prepare reads it, and refuses it."""

    def replace_the_object(engine: LocalEngine, deployment: Any) -> None:
        big = quick_large_config(66_000)
        engine.clients["s3"].put_object(Bucket="orders-configs", Key="orders-dg.yaml", Body=big.encode())

    with SampleService(GOOD) as service:
        given = LocalRunOptions(
            target_url=service.url,
            **QUICK_RUN,
            objects={OBJECT: quick_large_config()},
            ssm_parameters={GROUP: OBJECT},
        )
        report = run_local(given, project, before_start=replace_the_object)
    assert report.verdict == "Failed"
    assert "over the 65536 bytes a config may have (a layer from S3 or AppConfig: 64 KiB)" in report.reason
    assert [c.status for c in report.callbacks if c.accepted] == ["Failed"]


def test_a_pointer_outside_the_stacks_bucket_is_a_failed_verdict_naming_it(project: Project) -> None:
    report = run_with(project, {OBJECT: quick_large_config()}, OBJECT, stack_parameters={"ConfigBucketName": "other"})
    assert report.verdict == "Failed"
    assert "only the stack's ConfigBucketName (other) may hold layers" in report.reason
