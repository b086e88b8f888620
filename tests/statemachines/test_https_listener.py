"""An HTTPS test listener end to end: a certificate for the service's domain (made at run time, imported into the
local ACM as on AWS), verified by that name, refused under another, accepted unverified when the config opts out."""

from __future__ import annotations

import pytest

from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from greenlight.engine.results import LocalRunResult
from tests.support.quick_config import QUICK_RUN, quick_config
from tests.support.stock_service import stock_service

pytestmark = pytest.mark.engine

DOMAIN = "orders.example.test"


def run_https(project: Project, tls: str = "") -> LocalRunResult:
    with stock_service() as url:
        options = LocalRunOptions(
            target_url=url, config_text=quick_config() + tls, **QUICK_RUN, https_server_name=DOMAIN
        )
        return run_local(options, project)


def test_the_name_on_the_listeners_certificate_is_verified_without_configuration(project: Project) -> None:
    report = run_https(project)
    assert [c.status for c in report.callbacks if c.accepted] == ["Succeeded"]
    health = next(v for v in report.validations if v.name == "health")
    assert health.observed["url"].startswith("https://")
    assert health.observed["tls_server_name"] == DOMAIN and health.observed["tls_verified"] is True


def test_a_certificate_for_another_name_fails_verification_and_says_so(project: Project) -> None:
    report = run_https(project, "tls: {server_name: wrong.example.test}\n")
    assert [c.status for c in report.callbacks if c.accepted] == ["Failed"]
    statuses = {v.name: v.status for v in report.validations}
    assert statuses["health"] == "failed" and statuses["synthetic"] == "failed"
    assert "certificate is not valid for 'wrong.example.test'" in report.reason


def test_verification_switched_off_accepts_the_certificate_whatever_its_name(project: Project) -> None:
    report = run_https(project, "tls: {server_name: wrong.example.test, verify: false}\n")
    assert [c.status for c in report.callbacks if c.accepted] == ["Succeeded"]
    health = next(v for v in report.validations if v.name == "health")
    assert health.observed["tls_verified"] is False
