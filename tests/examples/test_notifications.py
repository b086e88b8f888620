"""The notification rules of examples/notifications/ match the events greenlight puts (moto's pattern matcher), and
their chat input templates make valid chat applications notifications from any verdict's summary."""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from common.payload.models import Bypass, ValidationResult, ValidationStatus, Verdict, VerdictReport, utcnow
from common.payload.notifications import OutageAllowedDetail, verdict_detail
from greenlight.engine.project import load_template
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "notifications" / "template.yaml"
TRICKY_REASON = 'synthetic failed: expected "ok" in\nbody \\ got <html>'


def envelope(detail_type: str, detail: str) -> dict[str, Any]:
    """The event as EventBridge hands it to rules and targets."""
    return {"source": "greenlight", "detail-type": detail_type, "detail": json.loads(detail)}


def verdict(value: Verdict, bypass: bool = False) -> dict[str, Any]:
    report = VerdictReport(
        verdict=value,
        reason=TRICKY_REASON,
        deployment_id="d-1",
        lifecycle_event_hook_execution_id="hook-1",
        validations=[ValidationResult(name="synthetic", status=ValidationStatus.FAILED, reason=TRICKY_REASON)],
    )
    if bypass:
        report.bypass = Bypass(parameter="/greenlight/bypass/all", by="jane", reason="INC-42", expires_at=utcnow())
    return envelope("Greenlight Verdict", verdict_detail(report, "finalize").model_dump_json())


OUTAGE = envelope(
    "Greenlight Outage Allowed",
    OutageAllowedDetail(
        summary="s", deployment_id="d-1", lifecycle_event_hook_execution_id="h", state_machine_arn="a", error="e"
    ).model_dump_json(),
)


@pytest.fixture(scope="module")
def rules() -> dict[str, Any]:
    resources = load_template(EXAMPLE)["Resources"]
    return {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Events::Rule"}


def matches(rule: dict[str, Any], event: dict[str, Any]) -> bool:
    return EventPattern.load(json.dumps(rule["EventPattern"])).matches_event(event)


def test_stopped_deployments_match_failed_verdicts_only(rules: dict[str, Any]) -> None:
    rule = rules["StoppedDeployments"]
    assert matches(rule, verdict(Verdict.FAILED))
    assert not matches(rule, verdict(Verdict.SUCCEEDED)) and not matches(rule, OUTAGE)


def test_let_through_matches_bypassed_verdicts_and_allowed_outages(rules: dict[str, Any]) -> None:
    rule = rules["LetThrough"]
    assert matches(rule, verdict(Verdict.SUCCEEDED, bypass=True)) and matches(rule, OUTAGE)
    assert not matches(rule, verdict(Verdict.SUCCEEDED)) and not matches(rule, verdict(Verdict.FAILED))


@pytest.mark.parametrize("rule", ["StoppedDeployments", "LetThrough"])
def test_the_chat_template_makes_a_custom_notification_whatever_the_reason(rules: dict[str, Any], rule: str) -> None:
    [chat] = [t for t in rules[rule]["Targets"] if "InputTransformer" in t]
    transformer, event = chat["InputTransformer"], verdict(Verdict.FAILED)
    text = transformer["InputTemplate"]
    for placeholder, path in transformer["InputPathsMap"].items():
        value = event
        for key in path.removeprefix("$.").split("."):
            value = value[key]
        text = text.replace(f"<{placeholder}>", str(value))  # EventBridge pastes values unescaped
    notification = json.loads(text)
    assert (notification["version"], notification["source"]) == ("1.0", "custom")
    assert "synthetic failed: expected ok in body got <html>" in notification["content"]["description"]


def test_the_docs_show_the_linted_rule() -> None:
    readme, example = (ROOT / "docs" / "operations.md").read_text(), EXAMPLE.read_text()
    snippet = readme.split("<!-- notification rule: examples/notifications/template.yaml -->", 1)[1].split("```")[1]
    lines = [line for line in snippet.splitlines()[1:] if line.strip()]
    assert len(lines) > 10 and all(line in example for line in lines)
