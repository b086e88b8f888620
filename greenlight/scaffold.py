"""`greenlight new-validation NAME`: every item of the add-a-validation checklist, ready to run and test.

The new validation starts as a real check (GET a path through the test listener, expect a status) so the
workflow and its tests pass on the first try; `checks.py` is where it grows into what it should test.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from greenlight.checklist import PLACEHOLDER, VALIDATE_STATE, problems, substitution_name, title
from greenlight.local import UsageError
from greenlight.project import Project

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
FUNCTION_TIMEOUT_S = 120
# A Task's TimeoutSeconds is its function's Timeout plus this, so Lambda's own timeout error arrives first.
TASK_TIMEOUT_MARGIN_S = 30
LAMBDA_RETRY = {
    "ErrorEquals": [
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2,
    "JitterStrategy": "FULL",
}


def branch(name: str, function_timeout_s: int, before_task: tuple[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The branch every validation has: planned? -> [before_task] -> run (errors caught) -> fail fast? -> result.

    `before_task` is one state placed before the Task, e.g. the metrics branch's Wait; its Next is set here.
    """
    label = " ".join(part.capitalize() for part in name.split("_"))  # state names are readable Title Case
    task = f"Validate {label}"
    first_step = before_task[0] if before_task else task
    result_fields = {"observed": {}, "expected": {}, "started_at.$": "$$.State.EnteredTime", "duration_ms": 0}
    dry_run = {"dry_run.$": f"$.plan.config.{name}.dry_run"}
    states: dict[str, Any] = {
        f"{label} Planned?": {
            "Type": "Choice",
            "Comment": f"Run the {name} validation only when the plan includes it for this lifecycle event.",
            "Choices": [{"Variable": f"$.plan.planned.{name}", "BooleanEquals": True, "Next": first_step}],
            "Default": f"Skip {label}",
        },
        f"Skip {label}": {
            "Type": "Pass",
            "Parameters": {
                "name": name,
                "status": "skipped",
                # States.Format is documented for strings; Finalize says when the config switched it off.
                "reason.$": "States.Format('Not planned for {}.', $.plan.lifecycle_event)",
                "attempts": 0,
                **result_fields,
                **dry_run,
            },
            "End": True,
        },
        f"Validate {label}": {
            "Type": "Task",
            "Resource": "arn:${Partition}:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${" + substitution_name(name) + "}", "Payload": {"plan.$": "$.plan"}},
            "ResultSelector": {"result.$": "$.Payload"},
            "ResultPath": "$.outcome",
            "TimeoutSeconds": function_timeout_s + TASK_TIMEOUT_MARGIN_S,
            "Retry": [LAMBDA_RETRY],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"{label} Errored"}],
            "Next": f"{label} Fail Fast?",
        },
        f"{label} Errored": {
            "Type": "Pass",
            "Comment": "A crash or timeout still ends the branch in a ValidationResult.",
            "Parameters": {
                "name": name,
                "status": "error",
                "reason.$": f"States.Format('The {name} check could not finish: {{}}: {{}}', $.error.Error, "
                "$.error.Cause)",
                "attempts": 1,
                **result_fields,
                **dry_run,
            },
            "End": True,
        },
        f"{label} Fail Fast?": {
            "Type": "Choice",
            "Comment": "With fail_fast, a counted failure ends the whole Parallel now.",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.plan.config.fail_fast", "BooleanEquals": True},
                        {"Variable": "$.outcome.result.status", "StringEquals": "failed"},
                        {"Variable": "$.outcome.result.dry_run", "BooleanEquals": False},
                    ],
                    "Next": f"Stop On {label} Failure",
                }
            ],
            "Default": f"{label} Done",
        },
        f"Stop On {label} Failure": {
            "Type": "Fail",
            "Error": "Greenlight.FailFast",
            "CausePath": "States.JsonToString($.outcome.result)",
        },
        f"{label} Done": {"Type": "Pass", "OutputPath": "$.outcome.result", "End": True},
    }
    if before_task:
        states[before_task[0]] = {**before_task[1], "Next": task}
    return {"StartAt": f"{label} Planned?", "States": states}


def add_branch(definition_text: str, name: str) -> str:
    """Append the branch to the Validate Parallel."""
    definition = json.loads(definition_text)
    definition["States"][VALIDATE_STATE]["Branches"].append(branch(name, FUNCTION_TIMEOUT_S))
    return json.dumps(definition, indent=2) + "\n"


def _insert(text: str, anchor: str, addition: str, before: bool = True) -> str:
    if anchor not in text:
        raise UsageError(f"cannot find {anchor.strip()!r} to extend; was the file reorganised?")
    return text.replace(anchor, addition + anchor if before else anchor + addition, 1)


def template_resources(name: str) -> str:
    label = title(name)
    return f"""  Validate{label}Function:
    Type: AWS::Serverless::Function
    Properties:
      Description: The {name} validation.
      Handler: validate_{name}.app.handler
      Timeout: {FUNCTION_TIMEOUT_S}
      VpcConfig: !If
        - InVpc
        - SubnetIds: !Ref VpcSubnetIds
          SecurityGroupIds: !Ref VpcSecurityGroupIds
        - !Ref AWS::NoValue
      Policies:
        - !If [InVpc, VPCAccessPolicy: {{}}, !Ref AWS::NoValue]

  Validate{label}LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${{Validate{label}Function}}
      RetentionInDays: !Ref LogRetentionInDays

"""


def extend_template(text: str, name: str) -> str:
    label = title(name)
    text = _insert(text, "  ValidationStateMachineLogGroup:\n", template_resources(name))
    text = _insert(
        text,
        "        FinalizeFunctionArn: !GetAtt FinalizeFunction.Arn\n",
        f"        {substitution_name(name)}: !GetAtt Validate{label}Function.Arn\n",
    )
    return _insert(
        text,
        "        - LambdaInvokePolicy:\n            FunctionName: !Ref FinalizeFunction\n",
        f"        - LambdaInvokePolicy:\n            FunctionName: !Ref Validate{label}Function\n",
    )


def extend_config(text: str, name: str) -> str:
    label = title(name)
    section = f'''class {label}Config(ValidationConfig):
    """The {name} validation: GET `path` through the test listener and expect one of `expected_status`."""

    path: HttpPath = Field("/")
    expected_status: list[Annotated[int, Field(ge=100, le=599)]] = Field(default_factory=lambda: [200], min_length=1)
    request_timeout_seconds: float = Field(5.0, gt=0, le=60)


'''
    text = _insert(text, "class GreenlightConfig(Section):\n", section)
    text = _insert(
        text,
        '\n\n    @model_validator(mode="after")\n    def bake_covers_synthetic_traffic',
        f"\n    {name}: {label}Config = Field(default_factory={label}Config)",
    )
    return re.sub(r"VALIDATIONS = \(([^)]*)\)", lambda m: f'VALIDATIONS = ({m.group(1)}, "{name}")', text, count=1)


def function_files(name: str) -> dict[str, str]:
    label = title(name)
    return {
        "__init__.py": "",
        "app.py": f'''"""Validate {label}: see checks.py for what it decides."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from common.config import {label}Config
from common.observability import logger, tracer
from common.validation import load, run
from validate_{name}.checks import check_{name}

NAME = "{name}"


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    plan, config = load(event, NAME, {label}Config)
    return run(NAME, config.dry_run, lambda: check_{name}(plan.test_url, config))
''',
        "checks.py": f'''"""The {name} check: one GET through the test listener for now; make it test what matters."""

from __future__ import annotations

from common.config import {label}Config
from common.http import probe
from common.models import ValidationStatus
from common.validation import Outcome


def check_{name}(test_url: str, config: {label}Config) -> Outcome:
    url = test_url.rstrip("/") + config.path
    status, answer = probe(url, config.request_timeout_seconds)
    observed = {{"url": url, "answer": answer}}
    expected = {{"status": config.expected_status}}
    if status in config.expected_status:
        return Outcome(ValidationStatus.PASSED, f"GET {{url}} answered {{answer}}.", observed, expected)
    reason = f"GET {{url}} answered {{answer}}, expected {{config.expected_status}}."
    return Outcome(ValidationStatus.FAILED, reason, observed, expected)
''',
    }


def test_file(name: str) -> str:
    label = title(name)
    return f'''"""The {name} validation against real loopback servers."""

from __future__ import annotations

import pytest

from common.config import {label}Config
from common.models import ValidationStatus
from tests.support.servers import Behaviour, serve
from validate_{name}.checks import check_{name}

pytestmark = pytest.mark.functional


def test_expected_answer_passes() -> None:
    with serve() as (url, _):
        outcome = check_{name}(url, {label}Config(path="/"))
    assert outcome.status is ValidationStatus.PASSED


def test_unexpected_answer_fails_with_the_answer() -> None:
    with serve(Behaviour(status=503)) as (url, _):
        outcome = check_{name}(url, {label}Config(path="/"))
    assert outcome.status is ValidationStatus.FAILED
    assert "HTTP 503" in outcome.reason
'''


def scaffold(name: str, project: Project | None = None) -> int:
    if not NAME.fullmatch(name):
        raise UsageError(f"validation name {name!r} must be snake_case: a letter, then letters, digits or _ (2-31)")
    project = project or Project.find()
    root = project.root
    folder = root / "functions" / f"validate_{name}"
    if folder.exists():
        raise UsageError(f"{folder.relative_to(root)} already exists")
    if substitution_name(name) in PLACEHOLDER.findall(project.definition_text()):
        raise UsageError(f"the state machine already invokes ${{{substitution_name(name)}}}")

    folder.mkdir(parents=True)
    for file_name, content in function_files(name).items():
        (folder / file_name).write_text(content)
    config_path = root / "functions" / "common" / "config.py"
    config_path.write_text(extend_config(config_path.read_text(), name))
    definition_uri, _ = project.state_machine()
    (root / definition_uri).write_text(add_branch(project.definition_text(), name))
    (root / "template.yaml").write_text(extend_template((root / "template.yaml").read_text(), name))
    test_path = root / "tests" / "functional" / f"test_validate_{name}.py"
    test_path.write_text(test_file(name))
    _write_schema(root)

    remaining = problems(Project.find(root))
    created = [folder, config_path, root / definition_uri, root / "template.yaml", test_path]
    sys.stdout.write("Added the validation " + name + ":\n" + "".join(f"  {p.relative_to(root)}\n" for p in created))
    if remaining:
        sys.stdout.write("Still missing:\n" + "".join(f"  - {p}\n" for p in remaining))
        return 1
    sys.stdout.write(f"Next: make its check real in {folder.relative_to(root)}/checks.py, then `make test`.\n")
    return 0


def _write_schema(root: Path) -> None:
    """Regenerate docs/config.schema.json in a fresh interpreter (this one has the old config imported)."""
    import subprocess

    code = "import json; from common.config import json_schema; print(json.dumps(json_schema(), indent=2))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root / "functions", capture_output=True, text=True, check=True
    )
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "config.schema.json").write_text(result.stdout)
