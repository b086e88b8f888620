"""The example's releases and the walkthrough's deployment: every placeholder filled from the stack outputs, each
release a valid RegisterTaskDefinition request keeping the first one's awslogs, and the deployment reaching
CodeDeploy with its AppSpec intact through the AWS CLI's own parser."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from greenlight.project import load_template
from tests.conftest import ROOT
from tests.examples.conftest import EXAMPLE, README, STACK
from tests.support.awscli_offline import offline_env

PLACEHOLDER = re.compile(r"<[A-Z_]+>")


def walkthrough_step(heading: str) -> list[str]:
    """The command lines of the walkthrough step under `## <heading>`, exactly as the README shows them."""
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    return block.replace("\\\n", " ").splitlines()


def command(lines: list[str], start: str) -> str:
    [line] = [line for line in lines if line.startswith(start)]
    return line


def test_the_releases_keep_the_awslogs_configuration_of_the_first_one(example: dict[str, Any]) -> None:
    [first] = example["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    logging = first["LogConfiguration"]
    assert logging["LogDriver"] == "awslogs"
    assert logging["Options"]["awslogs-group"] == {"Ref": "TaskLogGroup"}
    outputs = load_template(EXAMPLE / "template.yaml")["Outputs"]
    assert outputs["TaskLogGroupName"]["Value"] == {"Ref": "TaskLogGroup"}
    assert outputs["Region"]["Value"] == {"Ref": "AWS::Region"}
    for name in ("taskdef-good.json", "taskdef-bad.json"):
        [container] = json.loads((EXAMPLE / name).read_text())["containerDefinitions"]
        assert container["logConfiguration"] == {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "<LOG_GROUP>",
                "awslogs-region": "<REGION>",
                "awslogs-stream-prefix": logging["Options"]["awslogs-stream-prefix"],
            },
        }, name


def test_the_walkthrough_fills_every_placeholder_of_the_releases_from_the_stack_outputs() -> None:
    outputs = load_template(EXAMPLE / "template.yaml")["Outputs"]
    taskdef_line = command(walkthrough_step("3. Deploy a good release"), "sed -e ")
    filled = dict(re.findall(r'-e "s\|(<[A-Z_]+>)\|\$\(out (\w+)\)\|"', taskdef_line))
    for name in ("taskdef-good.json", "taskdef-bad.json"):
        assert set(PLACEHOLDER.findall((EXAMPLE / name).read_text())) == set(filled), name
    assert set(filled.values()) <= set(outputs)
    assert set(re.findall(r"\$\(out (\w+)\)", README)) <= set(outputs)


@pytest.mark.parametrize("name", ["taskdef-good.json", "taskdef-bad.json"])
def test_each_release_is_a_valid_register_task_definition_request(name: str) -> None:
    filled = {
        "<FAMILY>": f"{STACK}-web",
        "<EXECUTION_ROLE_ARN>": "arn:aws:iam::123456789012:role/shop-TaskExecutionRole",
        "<LOG_GROUP>": "shop-TaskLogGroup",
        "<REGION>": "us-east-1",
    }
    request = json.loads(PLACEHOLDER.sub(lambda m: filled[m.group()], (EXAMPLE / name).read_text()))
    shape = (
        botocore.session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
    )
    report = ParamValidator().validate(request, shape)
    assert not report.has_errors(), report.generate_report()


def _offline_cli(arguments: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """awscli's own parsing of `aws <arguments>`, in a subprocess that has no credentials and never calls AWS."""
    return subprocess.run(
        [sys.executable, "-m", "tests.support.awscli_offline", *arguments],
        cwd=ROOT,
        env=offline_env(home),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _appspec_as_deployed(taskdef_arn: str) -> str:
    """appspec.yaml after the walkthrough's sed: the first <TASK_DEFINITION> of each line replaced."""
    lines = (EXAMPLE / "appspec.yaml").read_text().splitlines(keepends=True)
    return "".join(line.replace("<TASK_DEFINITION>", taskdef_arn, 1) for line in lines)


TASKDEF_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:2"


@pytest.mark.skipif(
    shutil.which("jq") is None, reason="jq is not installed; the walkthrough builds the revision with it"
)
def test_the_walkthrough_deployment_reaches_codedeploy_with_the_appspec_intact(tmp_path: Path) -> None:
    # GIVEN step 3 of the walkthrough as the README shows it, its scratch files under tmp_path instead of /tmp
    step = [line.replace("/tmp/", f"{tmp_path}/") for line in walkthrough_step("3. Deploy a good release")]
    build = [command(step, 'sed "s|<TASK_DEFINITION>|'), command(step, "jq ")]
    deploy = command(step, "aws deploy create-deployment ")
    # WHEN the shell builds the revision file and the AWS CLI parses the deployment command (offline)
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(build)],
        cwd=EXAMPLE,
        env={**os.environ, "TASKDEF": TASKDEF_ARN},
        check=True,
    )
    result = _offline_cli(shlex.split(deploy)[1:], tmp_path)
    # THEN CodeDeploy would receive the appspec exactly as written, its apostrophes included
    assert result.returncode == 0, result.stderr
    call = json.loads(result.stdout)
    expected = _appspec_as_deployed(TASKDEF_ARN)
    assert "'" in expected, "the appspec's comments should keep an apostrophe: it is what broke the shorthand form"
    assert call == {
        "service": "codedeploy",
        "operation": "CreateDeployment",
        "parameters": {
            "applicationName": STACK,
            "deploymentGroupName": f"{STACK}-dg",
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": expected}},
        },
    }


def test_the_shorthand_form_the_walkthrough_gave_up_breaks_on_the_apostrophe(tmp_path: Path) -> None:
    content = _appspec_as_deployed(TASKDEF_ARN).rstrip("\n")  # as $(cat /tmp/appspec.yaml) gives it
    revision = f"revisionType=AppSpecContent,appSpecContent={{content='{content}'}}"
    arguments = ["deploy", "create-deployment", "--application-name", STACK, "--deployment-group-name", f"{STACK}-dg"]
    result = _offline_cli([*arguments, "--revision", revision], tmp_path)
    assert result.returncode != 0
    assert "Error parsing parameter '--revision'" in result.stderr
