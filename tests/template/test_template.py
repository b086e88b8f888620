"""template.yaml, translated offline as CloudFormation receives it: names, substitutions, least privilege."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from greenlight.authoring.asl import PLACEHOLDER, parse_definition
from greenlight.project import Project
from tests.conftest import ROOT
from tests.support.template import policy_statements, wildcard_actions


def test_hook_function_name_starts_with_codedeployhook(project: Project) -> None:
    parameter = project.template["Parameters"]["HookFunctionName"]
    assert parameter["Default"].startswith("CodeDeployHook_")
    assert parameter["AllowedPattern"].startswith("^CodeDeployHook_")


def test_hook_function_is_named_by_the_parameter(resources: dict[str, Any]) -> None:
    assert resources["HookFunction"]["Properties"]["FunctionName"] == {"Ref": "HookFunctionName"}


def test_every_placeholder_has_a_substitution_and_the_reverse(project: Project) -> None:
    _, substitutions = project.state_machine()
    placeholders = set(PLACEHOLDER.findall(project.definition_text()))
    assert placeholders == set(substitutions)


def test_no_policy_has_a_wildcard_action(resources: dict[str, Any]) -> None:
    assert len(policy_statements(resources)) > 10, "the translated template should have inline policies"
    assert wildcard_actions(resources) == []


def test_a_wildcard_action_is_caught(resources: dict[str, Any]) -> None:
    bad = copy.deepcopy(resources)
    bad["HookFunctionRole"]["Properties"]["Policies"].append(
        {
            "PolicyName": "Bad",
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "states:*", "Resource": "*"}]},
        }
    )
    assert wildcard_actions(bad) == ["HookFunctionRole: states:*"]


def test_workflow_timeout_stays_below_codedeploys_hour(project: Project) -> None:
    timeout = json.loads(project.definition_text())["TimeoutSeconds"]
    assert isinstance(timeout, int) and 300 <= timeout <= 3300  # the safety net still reports within the hour


def test_the_state_machine_file_is_json_as_stored(project: Project) -> None:
    """Workflow Studio, the AWS Toolkit's graph and ASL validators open the file people edit: no bare placeholders."""
    text = project.definition_text()
    json.loads(text)
    for match in PLACEHOLDER.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
        assert re.search(r'"[^"]*' + re.escape(match.group(0)) + r'[^"]*"', line), line


def test_every_task_has_timeout_retry_and_catch(project: Project) -> None:
    definition = parse_definition(project.definition_text())

    def tasks(states: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for name, state in states.items():
            if state["Type"] == "Task":
                found.append((name, state))
            for branch in state.get("Branches", []):
                found += tasks(branch["States"])
        return found

    all_tasks = tasks(definition["States"])
    assert len(all_tasks) >= 6
    for name, state in all_tasks:
        assert state.get("TimeoutSeconds"), f"{name} has no TimeoutSeconds"
        assert state.get("Retry"), f"{name} has no Retry"
        assert state.get("Catch"), f"{name} has no Catch"


def test_state_machine_has_logging_with_retention_and_tracing(resources: dict[str, Any]) -> None:
    machine = resources["ValidationStateMachine"]["Properties"]
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Destinations"]
    assert resources["ValidationStateMachineLogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionInDays"}


def test_every_parameter_has_a_description(project: Project) -> None:
    for name, parameter in project.template["Parameters"].items():
        assert parameter.get("Description"), f"parameter {name} has no Description"


def test_outputs_export_state_machine_and_hook(project: Project) -> None:
    assert {"StateMachineArn", "HookFunctionName"} <= set(project.template["Outputs"])


def test_safety_net_rule_matches_only_this_machine_and_failure_statuses(resources: dict[str, Any]) -> None:
    pattern = resources["SafetyNetFunctionWorkflowEndedWithoutVerdict"]["Properties"]["EventPattern"]
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    # The state machine, and the alias the hook starts executions through: either may name them in the event.
    assert pattern["detail"]["stateMachineArn"] == [
        {"Ref": "ValidationStateMachine"},
        {"Ref": "ValidationStateMachineAliaslive"},
    ]


def test_the_hook_starts_executions_through_the_alias_sam_publishes(resources: dict[str, Any]) -> None:
    """AutoPublishAlias makes a version per update and moves the alias; the hook names the alias SAM generates."""
    alias, version = resources["ValidationStateMachineAliaslive"], resources["ValidationStateMachineVersion"]
    assert alias["Type"] == "AWS::StepFunctions::StateMachineAlias" and alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["DeploymentPreference"]["StateMachineVersionArn"] == {
        "Ref": "ValidationStateMachineVersion"
    }
    assert version["DeletionPolicy"] == "Retain"  # an old version outlives the update that replaces it
    environment = resources["HookFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["STATE_MACHINE_ARN"] == {"Ref": "ValidationStateMachineAliaslive"}


def test_every_ref_names_a_resource_or_parameter(resources: dict[str, Any], project: Project) -> None:
    """cfn-lint does not catch a Ref to a resource SAM never generates; this does."""
    known = set(resources) | set(project.template["Parameters"]) | {"AWS::Partition", "AWS::Region", "AWS::AccountId"}
    known |= {"AWS::StackName", "AWS::NoValue", "AWS::URLSuffix"}

    def refs(value: Any) -> list[str]:
        if isinstance(value, dict):
            own = [value["Ref"]] if isinstance(value.get("Ref"), str) else []
            subs, variables = value.get("Fn::Sub"), {}
            if isinstance(subs, list):
                subs, variables = subs
            found = re.findall(r"\$\{([^!}][^}]*)\}", subs) if isinstance(subs, str) else []
            named = [name.split(".")[0] for name in found if name not in variables]
            return own + named + [r for item in value.values() for r in refs(item)]
        if isinstance(value, list):
            return [r for item in value for r in refs(item)]
        return []

    assert set(refs(resources)) - known == set()


def test_every_function_has_a_log_group_with_retention(project: Project) -> None:
    log_groups = {
        str(r["Properties"]["LogGroupName"]) for r in project.resources.values() if r["Type"] == "AWS::Logs::LogGroup"
    }
    for logical_id in project.functions():
        assert any(logical_id in name for name in log_groups), f"{logical_id} has no log group"


def test_lambda_requirements_match_pyproject() -> None:
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    requirements = [
        line
        for line in (ROOT / "functions/requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert set(requirements) <= set(pyproject)


def test_the_error_paths_build_the_payloads_the_functions_read(project: Project) -> None:
    """Record Prepare Error builds a PrepareOutput; Record Fail Fast and Record Validate Error a FinalizeInput."""
    from common.payload.models import FinalizeInput, PrepareOutput

    states = json.loads(project.definition_text())["States"]

    def keys(state: str) -> set[str]:
        return {key.removesuffix(".$") for key in states[state]["Parameters"]}

    assert keys("Record Prepare Error") == set(PrepareOutput.model_fields)
    # Finalize's own Parameters add the execution's ARN from the context object; the error paths need not.
    from_context = {"execution_arn"}
    assert keys("Record Fail Fast") | from_context == keys("Record Validate Error") | from_context
    assert keys("Record Fail Fast") | from_context == set(FinalizeInput.model_fields)
    finalize_payload = states["Finalize"]["Parameters"]["Payload"]
    assert {key.removesuffix(".$") for key in finalize_payload} == set(FinalizeInput.model_fields)
    assert finalize_payload["execution_arn.$"] == "$$.Execution.Id"


def test_the_outage_policy_the_hook_knows_is_the_stacks(resources: dict[str, Any], project: Project) -> None:
    from common.runtime.outcomes import OUTAGE_POLICIES

    parameter = project.template["Parameters"]["OutagePolicy"]
    assert tuple(parameter["AllowedValues"]) == OUTAGE_POLICIES and parameter["Default"] == "fail"
    environment = resources["HookFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["OUTAGE_POLICY"] == {"Ref": "OutagePolicy"}


def test_prepare_reads_config_layers_only_from_a_bucket_of_the_stacks_account(resources: dict[str, Any]) -> None:
    # A bucket name is global: one deleted and created again in another account must not be read from.
    from common.runtime.environment import PrepareSettings

    environment = resources["PrepareFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["CONFIG_BUCKET_OWNER"] == {"Ref": "AWS::AccountId"}
    settings = PrepareSettings.from_environment({"CONFIG_BUCKET_OWNER": "123456789012"})
    assert settings.config_bucket_owner == "123456789012"
