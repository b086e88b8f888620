"""Every command of the examples' walkthroughs, run as a newcomer's shell runs it, parsed by the CLIs' own parsers.

Each README's code blocks run in bash, in order, from the directory the README starts in. `aws` and `sam` are shell
functions that hand their arguments, after the shell's own expansion, to awscli's parser
(tests/support/awscli_offline.py) and to the pinned SAM CLI's (tests/support/samcli_offline.py, `.venv-sam`): a
command either CLI refuses fails the test, and nothing reaches AWS. `aws cloudformation describe-stacks` (what `out`
runs) must ask for an output the example's template has; `sed` and `jq` really run, their scratch files under a
temporary directory instead of /tmp; `curl` is recorded (its first call), never sent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from greenlight.project import load_template
from tests.conftest import ROOT
from tests.support.awscli_offline import offline_env

# Each walkthrough runs every aws and sam command through the CLIs' own parsers, one process each: a minute on a
# quiet machine, several on a loaded one (the subprocess's own deadline, 300 s, bounds it).
pytestmark = pytest.mark.timeout(420)

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
EXAMPLES = ["ecs-bluegreen", "ecs-native"]  # each walkthrough starts at the repo root
OUTPUT = re.compile(r"OutputKey=='([A-Za-z0-9]+)'")
TASKDEF_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"
SHIMS = r"""
set -uo pipefail
record() { printf '%s\n' "$1" >> "$CALLS"; }
quoted() { "$PYTHON" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
refused() { record "{\"cli\": \"$1\", \"refused\": $(quoted "$2"), \"error\": $(quoted "$(cat "$SCRATCH/err")")}"; }
aws() {  # parsed by awscli; prints what the walkthrough reads from it (an output's sample value, or an ARN)
  local parsed
  parsed=$("$PYTHON" "$ROOT/tests/support/awscli_offline.py" "$@" 2>"$SCRATCH/err") || { refused aws "$*"; return 1; }
  record "{\"cli\": \"aws\", \"call\": $parsed, \"args\": $(quoted "$*"), \"cwd\": $(quoted "$PWD")}"
  answer_for "$*"
}
sam() {
  if [ ! -x "$SAM_PYTHON" ]; then record '{"cli": "sam", "skipped": true}'; return 0; fi
  local parsed
  parsed=$(SAM_CLI_TELEMETRY=0 "$SAM_PYTHON" "$ROOT/tests/support/samcli_offline.py" "$@" 2>"$SCRATCH/err") \
    || { refused sam "$*"; return 1; }
  record "{\"cli\": \"sam\", \"call\": $parsed, \"cwd\": $(quoted "$PWD")}"
}
docker() { record '{"cli": "docker", "skipped": true}'; }
curl() { [ -n "${CURLED:-}" ] || { record "{\"cli\": \"curl\", \"args\": $(quoted "$*")}"; CURLED=1; }; }
greenlight() { record '{"cli": "greenlight", "skipped": true}'; }
"""


def blocks(readme: str) -> list[str]:
    """The README's shell code blocks, in order."""
    return re.findall(r"```\n(.*?)```", readme, flags=re.DOTALL)


def outputs_of(example: str) -> dict[str, str]:
    """Sample values of the example's outputs: what `out NAME` prints."""
    names = load_template(ROOT / "examples" / example / "template.yaml")["Outputs"]
    special = {"GreenlightSubnetIds": "subnet-0a1b2c3d,subnet-4e5f6a7b", "Region": "us-east-1"}
    return {name: special.get(name, f"sample-{name}") for name in names}


def walk(example: str, scratch: Path) -> list[dict[str, Any]]:
    readme = (ROOT / "examples" / example / "README.md").read_text()
    script = "\n".join(blocks(readme)).replace("/tmp/", f"{scratch}/")
    outputs = outputs_of(example)
    # `out NAME` runs describe-stacks through the shim, which answers with the output's sample value; a test below
    # checks that NAME is an output of the template. Anything else the walkthrough reads is a task definition ARN.
    cases = "\n".join(f"    *\"OutputKey=='{name}'\"*) echo '{value}'; return;;" for name, value in outputs.items())
    answers = f'answer_for() {{\n  case "$*" in\n{cases}\n  esac\n  echo "{TASKDEF_ARN}"\n}}\n'
    calls = scratch / "calls.jsonl"
    env = offline_env(scratch) | {
        "PYTHON": sys.executable,
        "SAM_PYTHON": str(SAM_PYTHON),
        "ROOT": str(ROOT),
        "CALLS": str(calls),
        "SCRATCH": str(scratch),
    }
    completed = subprocess.run(
        ["bash", "-c", SHIMS + answers + script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return [json.loads(line) for line in calls.read_text().splitlines()]


@pytest.fixture(scope="module", params=EXAMPLES)
def walked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[dict[str, Any]]]:
    if shutil.which("jq") is None and request.param == "ecs-bluegreen":
        pytest.skip("jq is not installed; the ecs-bluegreen walkthrough builds the revision with it")
    return request.param, walk(request.param, tmp_path_factory.mktemp(request.param))


def test_every_aws_command_is_accepted_by_the_aws_clis_parser(walked: tuple[str, list[dict[str, Any]]]) -> None:
    example, calls = walked
    aws = [c for c in calls if c["cli"] == "aws"]
    assert aws, f"{example}: the walkthrough runs no aws command"
    assert [c for c in aws if "refused" in c] == []
    operations = {(c["call"]["service"], c["call"]["operation"]) for c in aws}
    assert ("cloudformation", "DescribeStacks") in operations


def test_every_output_the_walkthrough_reads_is_one_the_template_has(walked: tuple[str, list[dict[str, Any]]]) -> None:
    example, calls = walked
    asked = {
        name
        for c in calls
        if c["cli"] == "aws" and c["call"]["operation"] == "DescribeStacks"
        for name in OUTPUT.findall(c["args"])
    }
    assert asked and asked <= set(outputs_of(example)), asked - set(outputs_of(example))


def test_every_sam_command_is_accepted_by_the_pinned_sam_clis_parser(walked: tuple[str, list[dict[str, Any]]]) -> None:
    example, calls = walked
    sam = [c for c in calls if c["cli"] == "sam"]
    assert sam, f"{example}: the walkthrough runs no sam command"
    if any(c.get("skipped") for c in sam):
        pytest.skip("no pinned SAM CLI in .venv-sam (make lint creates it)")
    assert [c for c in sam if "refused" in c] == []
    for call in sam:  # a build or a deploy runs from the repo root, where greenlight's template and samconfig are
        if call["call"]["command"] in ("build", "deploy"):
            assert Path(call["cwd"]).resolve() == ROOT.resolve(), call


def test_the_native_walkthrough_clears_the_vpc_settings_in_a_form_sam_accepts(
    walked: tuple[str, list[dict[str, Any]]],
) -> None:
    example, calls = walked
    if example != "ecs-native" or any(c.get("skipped") for c in calls if c["cli"] == "sam"):
        pytest.skip("about the ecs-native walkthrough, parsed by the pinned SAM CLI (.venv-sam)")
    overrides = [c["call"]["parameters"].get("parameter_overrides") for c in calls if c["cli"] == "sam"]
    assert {"VpcSubnetIds": "", "VpcSecurityGroupIds": ""} in overrides
    assert {
        "VpcSubnetIds": "subnet-0a1b2c3d,subnet-4e5f6a7b",
        "VpcSecurityGroupIds": "sample-GreenlightSecurityGroupId",
    } in overrides


def test_the_bare_empty_override_the_walkthrough_gave_up_is_refused_by_sam(tmp_path: Path) -> None:
    if not SAM_PYTHON.exists():
        pytest.skip("no pinned SAM CLI in .venv-sam (make lint creates it)")
    refused = subprocess.run(
        [
            str(SAM_PYTHON),
            str(ROOT / "tests/support/samcli_offline.py"),
            "deploy",
            "--parameter-overrides",
            "VpcSubnetIds=",
        ],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "SAM_CLI_TELEMETRY": "0"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert refused.returncode != 0 and "is not a valid format" in refused.stderr


@pytest.mark.parametrize("readme", ["README.md", "examples/ecs-native/README.md", "examples/ecs-bluegreen/README.md"])
def test_sam_builds_need_python_3_12_and_the_docs_say_so(readme: str) -> None:
    runtime = load_template(ROOT / "template.yaml")["Globals"]["Function"]["Runtime"]
    assert runtime == "python3.12"
    assert "python3.12" in (ROOT / readme).read_text()


def test_the_canary_variant_keeps_production_traffic_flowing_to_its_own_url(
    walked: tuple[str, list[dict[str, Any]]],
) -> None:
    # A canary step is judged on production traffic (metrics, GREEN against BLUE); the example has no users, so
    # without traffic of its own every canary deployment, good or bad, is inconclusive and rolled back.
    example, calls = walked
    if example != "ecs-native":
        pytest.skip("about the ecs-native walkthrough's canary variant")
    [curl] = [c for c in calls if c["cli"] == "curl"]  # recorded once, however many requests the loop sends
    assert curl["args"].startswith("-s -o /dev/null sample-Url/")
