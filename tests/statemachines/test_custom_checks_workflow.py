"""Custom checks in the real workflow: a team's webhook service and Lambda checks judge GREEN beside the built-ins."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
import yaml

from greenlight.engine import LocalEngine, LocalRunResult
from greenlight.engine.run.local_run import LocalRunError, LocalRunOptions, run_local
from greenlight.project import Project
from greenlight.samples.service import GOOD, Release, SampleService
from tests.support.quick_config import QUICK_RUN, quick_config
from tests.support.servers import Behaviour, serve

pytestmark = pytest.mark.engine

FUNCTIONS = "tests.support.check_functions"


def run_with_checks(
    project: Project, checks: dict[str, Any], before_start: Any = None, **options: Any
) -> LocalRunResult:
    """A good release of the sample service, the quick config, and these custom checks. Synthetic requests get 3 s:
    a slow answer of the good service is not what these tests are about, and a loaded machine delays a few."""
    text = quick_config(synthetic={"request_timeout_seconds": 3.0}) + yaml.safe_dump(checks)
    with SampleService(GOOD) as service:
        given = LocalRunOptions(target_url=service.url, config_text=text, **QUICK_RUN, **options)
        return run_local(given, project, before_start=before_start)


def result(report: LocalRunResult, name: str) -> Any:
    [found] = [v for v in report.validations if v.name == name]
    return found


def test_a_webhook_answering_failed_stops_the_release_naming_the_check_and_its_reason(project: Project) -> None:
    answer = {"status": "failed", "reason": "checkout answered 500 for 3 of 10 orders", "observed": {"errors": 3}}
    with serve(Behaviour(body=answer)) as (url, behaviour):
        report = run_with_checks(project, {"webhooks": [{"name": "smoke", "url": f"{url}/smoke", "dry_run": False}]})
    assert report.verdict == "Failed"
    assert "smoke (failed: checkout answered 500 for 3 of 10 orders)" in report.reason
    assert result(report, "smoke").observed["errors"] == 3
    # ... the webhook was asked once, about this deployment, with GREEN's test URL
    [request] = behaviour.requests
    assert b'"test_url": "http://127.0.0.1:' in request["body"] and b'"group": "sample-service-dg"' in request["body"]
    assert [c.status for c in report.callbacks if c.accepted] == ["Failed"]


def test_a_webhook_answering_passed_lets_a_healthy_release_through(project: Project) -> None:
    with serve(Behaviour(body={"status": "passed", "reason": "10 orders placed"})) as (url, _):
        report = run_with_checks(project, {"webhooks": [{"name": "smoke", "url": url, "dry_run": False}]})
    assert report.verdict == "Succeeded", report.reason
    assert result(report, "smoke").status == "passed" and "smoke" in report.reason


@pytest.mark.parametrize(
    ("behaviour", "named"),
    [
        (Behaviour(body={"verdict": "ok"}), "is not a check answer"),
        (Behaviour(hold=threading.Event()), "no complete answer within 1 s"),
    ],
    ids=["malformed", "slow"],
)
def test_a_malformed_or_slow_answer_is_an_error_within_its_deadline(
    project: Project, behaviour: Behaviour, named: str
) -> None:
    if behaviour.hold is not None:
        behaviour.hold.clear()  # held anew on each run of the test
    with serve(behaviour) as (url, _):
        report = run_with_checks(project, {"webhooks": [{"name": "smoke", "url": url, "timeout_seconds": 1}]})
        if behaviour.hold is not None:
            behaviour.hold.set()  # the slow service lets go only now: the run ended without waiting for it
    smoke = result(report, "smoke")
    assert smoke.status == "error" and named in smoke.reason
    assert behaviour.held_out == 0
    # ... a new check starts in dry run: its error is reported, and the release still goes through
    assert smoke.dry_run and report.verdict == "Succeeded"


def test_lambda_checks_run_the_handler_given_for_their_function(project: Project) -> None:
    checks = {
        "lambda_checks": [
            {"name": "seen", "function": "greenlight-check-seen", "dry_run": False},
            {"name": "migrations", "function": "greenlight-check-migrations:live", "dry_run": False},
            {"name": "crashes", "function": "greenlight-check-crashes"},
            {"name": "hangs", "function": "greenlight-check-hangs", "timeout_seconds": 1},
        ]
    }
    functions = {
        "greenlight-check-seen": f"{FUNCTIONS}:passes",
        "greenlight-check-migrations": f"{FUNCTIONS}:fails",
        "greenlight-check-crashes": f"{FUNCTIONS}:raises",
        "greenlight-check-hangs": f"{FUNCTIONS}:hangs",
    }
    report = run_with_checks(project, checks, check_functions=functions)
    seen, migrations = result(report, "seen"), result(report, "migrations")
    assert seen.status == "passed" and "seen saw sample-service-dg at http://127.0.0.1:" in seen.reason
    assert migrations.status == "failed" and migrations.reason == "orders table is missing the column shipped_at"
    crashes, hangs = result(report, "crashes"), result(report, "hangs")
    assert crashes.status == "error" and "greenlight-check-crashes failed (" in crashes.reason
    assert "KeyError: 'orders_table'" in crashes.reason
    assert hangs.status == "error" and "gave no answer within 1 s" in hangs.reason
    assert report.verdict == "Failed" and "migrations (failed" in report.reason and "crashes" not in report.reason


def test_a_lambda_check_outside_the_prefix_is_refused_before_anything_runs(project: Project) -> None:
    checks = {"lambda_checks": [{"name": "db", "function": "payments-db-check"}]}
    with pytest.raises(LocalRunError, match="does not start with greenlight-check-, the stack's CheckFunctionPrefix"):
        run_with_checks(project, checks)


def test_the_example_check_stops_a_broken_release_as_a_lambda_check(project: Project) -> None:
    """examples/custom-checks/, given by file as the handler of its function, as a team would try it."""
    checks = {
        "lambda_checks": [{"name": "orders-smoke", "function": "greenlight-check-orders-smoke", "dry_run": False}]
    }
    handler = str(project.root / "examples" / "custom-checks" / "src" / "smoke_check.py") + ":handler"
    text = quick_config() + yaml.safe_dump(checks)
    with SampleService(Release(version="v4-broken", error_ratio=1.0)) as service:
        given = LocalRunOptions(target_url=service.url, config_text=text, **QUICK_RUN)
        given.check_functions = {"greenlight-check-orders-smoke": handler}
        report = run_local(given, project)
    smoke = result(report, "orders-smoke")
    assert smoke.status == "failed" and smoke.reason == "/api/items: HTTP 500"
    assert report.verdict == "Failed" and "orders-smoke (failed: /api/items: HTTP 500)" in report.reason


def test_on_the_ecs_path_a_check_reaches_green_through_the_test_rule(project: Project) -> None:
    """The document names the test rule's header; the sample service's own smoke check GETs GREEN with it: on ECS's
    shared port, without it the listener would not route the request to GREEN."""
    answer = {"status": "passed", "reason": "recorded"}
    with SampleService(GOOD) as service, serve(Behaviour(body=answer)) as (recorder, behaviour):
        webhooks = [
            {"name": "smoke", "url": f"{service.url}/checks/smoke", "dry_run": False},
            {"name": "record", "url": recorder},
        ]
        text = quick_config() + yaml.safe_dump({"webhooks": webhooks})
        given = LocalRunOptions(target_url=service.url, config_text=text, **QUICK_RUN, controller="ecs")
        report = run_local(given, project)
    [request] = behaviour.requests
    document = json.loads(request["body"])
    assert (
        document["engine"] == "ecs" and document["stage"] == "POST_TEST_TRAFFIC_SHIFT" and document["green"]["headers"]
    )
    smoke = result(report, "smoke")
    assert smoke.status == "passed" and smoke.observed["statuses"] == [200] * 20, smoke.reason
    assert report.hook_status == "SUCCEEDED"


def test_on_an_ecs_pause_hook_a_failed_check_rolls_back_naming_it(project: Project) -> None:
    """The pause hook's path (the workflow started by ECS's event, answered by ContinueServiceDeployment) runs the
    checks as the Lambda hook's does: a webhook answering failed is the verdict's reason, and ECS is told ROLLBACK."""
    answer = {"status": "failed", "reason": "2 of 10 orders lost their line items"}
    with serve(Behaviour(body=answer)) as (url, behaviour):
        checks = {
            "webhooks": [{"name": "orders", "url": f"{url}/check", "dry_run": False}],
            "lambda_checks": [{"name": "seen", "function": "greenlight-check-seen", "dry_run": False}],
        }
        report = run_with_checks(
            project,
            checks,
            controller="ecs",
            ecs_hook="pause",
            check_functions={"greenlight-check-seen": f"{FUNCTIONS}:passes"},
        )
    [request] = behaviour.requests
    document = json.loads(request["body"])
    assert (document["engine"], document["stage"]) == ("ecs", "POST_TEST_TRAFFIC_SHIFT")
    assert document["deployment_id"].startswith("arn:aws:ecs:") and ":service-deployment/" in document["deployment_id"]
    assert result(report, "seen").status == "passed" and result(report, "orders").status == "failed"
    assert report.verdict == "Failed" and "orders (failed: 2 of 10 orders lost their line items)" in report.reason
    assert [(c.action, c.accepted) for c in report.continue_calls] == [("ROLLBACK", True)]
    assert report.hook_status == "FAILED" and report.callbacks == []


OWN_TOKEN = "/greenlight/tenants/sample-service/sample-service-dg/smoke-token"
THEIRS, THEIR_SECRET = "/greenlight/tenants/payments/payments-dg/api-key", "payments-secret-Qw8Zr2"


def token_check(url: str, name: str) -> dict[str, Any]:
    return {"webhooks": [{"name": "smoke", "url": url, "dry_run": False, "headers": {"X-Token": {"ssm": name}}}]}


def test_a_webhook_header_secret_of_its_own_group_is_sent_and_never_reported(project: Project) -> None:
    token = "own-token-7Hq2Lm9x"
    echoed = {"status": "failed", "reason": f"token {token} is not the one we expect"}
    with serve(Behaviour(body=echoed)) as (url, behaviour):
        report = run_with_checks(project, token_check(url, OWN_TOKEN), ssm_parameters={OWN_TOKEN: token})
    # THEN the webhook got the secret, read through the group's scoped session, and nothing reported holds it
    assert behaviour.requests[0]["headers"]["X-Token"] == token
    assert result(report, "smoke").reason == "token [redacted] is not the one we expect"
    assert token not in report.model_dump_json()


def test_a_cross_tenant_reference_in_a_webhook_header_is_refused_and_never_read(project: Project) -> None:
    with serve(Behaviour(body={"status": "passed", "reason": "ok"})) as (url, behaviour):
        report = run_with_checks(project, token_check(url, THEIRS), ssm_parameters={THEIRS: THEIR_SECRET})
    assert report.verdict == "Failed"
    assert "webhooks.0.headers.X-Token (from ssm:/greenlight/sample-service/sample-service-dg)" in report.reason
    assert f"{{ssm: {THEIRS}}} is outside the deployment group's namespace" in report.reason
    assert behaviour.requests == [] and THEIR_SECRET not in report.model_dump_json()


def test_with_prepares_check_broken_aws_still_refuses_another_teams_secret_to_a_webhook(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN greenlight's own check broken: it lets every reference through
    import common.secrets.scope

    monkeypatch.setattr(common.secrets.scope, "refusal", lambda *args, **kwargs: None)
    engines: list[LocalEngine] = []
    with serve(Behaviour(body={"status": "passed", "reason": "ok"})) as (url, behaviour):
        report = run_with_checks(
            project,
            token_check(url, THEIRS),
            ssm_parameters={THEIRS: THEIR_SECRET},
            before_start=lambda engine, _: engines.append(engine),
        )
    # THEN the read through the session tagged sample-service/sample-service-dg is AccessDenied by the role's policy
    smoke = result(report, "smoke")
    assert smoke.status == "error" and "AccessDeniedException" in smoke.reason
    assert engines[0].settings.iam_denied == [f"ssm:GetParameter arn:aws:ssm:us-east-1:123456789012:parameter{THEIRS}"]
    assert behaviour.requests == [] and THEIR_SECRET not in report.model_dump_json()
