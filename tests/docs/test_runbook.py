"""The runbook's and the fleet section's commands are real: each `aws` line parses with the AWS CLI's own code
(offline, in a subprocess), each `greenlight` line with greenlight's parser; the outage policy switch keeps every
other stack parameter."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.cli.main import _parser
from greenlight.project import Project
from tests.conftest import ROOT
from tests.support.awscli_offline import offline_env

SHELL_VARIABLES = {
    "$STACK": "greenlight",
    "$SM": "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation",
    "$ALIAS": "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight-validation:live",
    "$DEPLOYMENT": "d-ABCDEF123",
    "$EXECUTION": "arn:aws:states:us-east-1:123456789012:execution:greenlight-validation:greenlight-0123abcd",
    "$SERVICE_DEPLOYMENT": "arn:aws:ecs:us-east-1:123456789012:service-deployment/my-cluster/my-service/EZe5RNVLH6PPz",
}


def fleet_section() -> str:
    operations = (ROOT / "docs" / "operations.md").read_text()
    return operations.split("\n## Run it across a fleet\n", 1)[1].split("\n## ", 1)[0]


def command_lines(markdown: str) -> list[str]:
    """Every command in the fenced blocks: continuations joined, `$(aws ...)` unwrapped, variables filled in."""
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", markdown, re.S):
        for raw in block.replace("\\\n", " ").splitlines():
            inner = re.search(r"\$\((aws .*)\)$", raw.strip())
            line = inner[1] if inner else raw.strip()
            for variable, value in sorted(SHELL_VARIABLES.items(), key=lambda item: -len(item[0])):
                line = line.replace(variable, value)
            if line.startswith(("aws ", "greenlight ")):
                commands.append(line)
    return commands


@pytest.fixture(scope="module")
def commands() -> list[str]:
    documents = [(ROOT / "docs" / "runbook.md").read_text(), fleet_section()]
    return [line for text in documents for line in command_lines(text)]


def test_every_aws_command_parses_as_the_aws_cli_parses_it(commands: list[str], tmp_path: Path) -> None:
    lines = [shlex.split(line)[1:] for line in commands if line.startswith("aws ")]
    assert len(lines) >= 20
    code = (
        "import json, sys\n"
        "from tests.support.awscli_offline import main\n"
        "codes = [main(arguments) for arguments in json.load(sys.stdin)]\n"
        "print('CODES', json.dumps(codes))\n"
    )
    for name in {match for line in lines for word in line for match in re.findall(r"^file://(.+)$", word)}:
        (tmp_path / name).write_text("a file the command reads\n")  # the CLI reads file:// values as it parses
    env = offline_env(tmp_path) | {"PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(lines),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    codes = json.loads(result.stdout.split("CODES ", 1)[1])
    assert [" ".join(line) for line, code in zip(lines, codes, strict=True) if code != 0] == [], result.stderr


def test_a_paused_ecs_deployment_can_be_answered_by_hand(commands: list[str]) -> None:
    """A pause hook greenlight leaves alone (or cannot answer) waits for its timeout: the runbook says how to find why
    (the front door's own log line) and how to answer ECS by hand, with the service deployment's ARN the CLI requires
    (the ECS guide's example omits it)."""
    calls = [shlex.split(line)[1:] for line in commands if line.startswith("aws ecs continue-service-deployment")]
    actions = {dict(zip(call[2::2], call[3::2], strict=False)).get("--action") for call in calls}
    assert actions == {"CONTINUE", "ROLLBACK"}
    assert all("--service-deployment-arn" in call and "--hook-id" in call for call in calls)
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    searched = re.findall(r'--filter-pattern "\\"(Not answered by greenlight)\\""', runbook)
    assert searched and searched[0] in (ROOT / "functions" / "ecs_pause" / "app.py").read_text()


def test_every_greenlight_command_parses(commands: list[str]) -> None:
    lines = [shlex.split(line)[1:] for line in commands if line.startswith("greenlight ")]
    assert len(lines) >= 8
    for arguments in lines:
        _parser().parse_args(arguments)


def test_the_outage_policy_switch_keeps_every_other_parameter(commands: list[str]) -> None:
    switches = [line for line in commands if line.startswith("aws cloudformation update-stack")]
    declared = set(Project.find(ROOT).template["Parameters"])
    assert len(switches) == 2
    for switch in switches:
        keys = re.findall(r"ParameterKey=(\w+)", switch)
        assert sorted(keys) == sorted(declared) and "--use-previous-template" in switch
        assert re.search(r"ParameterKey=OutagePolicy,ParameterValue=(allow|fail) ", switch)


def _secret_written(arguments: list[str]) -> tuple[str, str] | None:
    """The store and name of a secret an `aws` command writes (a Secrets Manager value, an SSM SecureString)."""
    options = dict(zip(arguments[2::2], arguments[3::2], strict=False))
    if arguments[:2] == ["secretsmanager", "put-secret-value"]:
        return "secretsmanager", options["--secret-id"]
    if arguments[:2] == ["ssm", "put-parameter"] and options.get("--type") == "SecureString":
        return "ssm", options["--name"]
    return None


def test_every_secret_the_docs_write_is_one_a_teams_layer_may_name(commands: list[str]) -> None:
    """Rotating a secret where the docs say must not put it where Prepare refuses it (README, secrets and tenancy)."""
    from common.config.requests import SecretRef
    from common.secrets.scope import Namespaces, refusal

    aws = [shlex.split(line)[1:] for line in commands if line.startswith("aws ")]
    written = [found for arguments in aws if (found := _secret_written(arguments))]
    assert {store for store, _ in written} == {"ssm", "secretsmanager"}
    spaces = Namespaces("/greenlight", "greenlight/")
    refused = [refusal(SecretRef(**{store: name}), False, "orders", "orders-dg", spaces) for store, name in written]
    assert [why for why in refused if why] == []
