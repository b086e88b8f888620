"""`greenlight new-validation`: two new validations in a copy of the project: every checklist item written, the
generated files regenerated, both run (in dry run) by a local run, and an existing name refused.

That the project's own lint and tests then pass in the copy is `make scaffold-check` (CI runs it): the whole
`make lint` and `make test` there, so this module does not run them a second time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.authoring.asl import parse_definition
from greenlight.cli.main import main
from tests.conftest import ROOT

# Names of their own: `make scaffold-check` runs this suite on a copy that has smoke_login and tls_expiry.
NEW = ("login_flow", "cert_expiry")
LEFT_BEHIND = (".git", ".venv*", ".aws-sam", "__pycache__", ".*_cache", "*.egg-info", "node_modules", "build", "dist")
RUN_WORKFLOW = """
import json, sys
from pathlib import Path
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from greenlight.cli.sample_service import SampleService
config = "metrics: {bake_seconds: 40, min_request_count: 5}"
with SampleService() as service:
    options = LocalRunOptions(target_url=service.url, config_text=config, time_scale=0.05, metrics_delay_s=None)
    report = run_local(options, Project.find(Path.cwd()))
results = {v.name: [v.status.value, v.dry_run] for v in report.validations}
sys.stderr.write(json.dumps({"verdict": report.verdict.value, "results": results}))
"""


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, check=False)


def copy_project(target: Path) -> None:
    """The project's files, without what a build or a run leaves (virtual environments, caches, .aws-sam)."""
    shutil.copytree(ROOT, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*LEFT_BEHIND))


def digest(root: Path) -> str:
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return hashlib.sha256(b"".join(p.relative_to(root).as_posix().encode() + p.read_bytes() for p in files)).hexdigest()


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    copy_project(root)
    for name in NEW:
        result = run(root, "-m", "greenlight.cli.main", "new-validation", name)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "starts in dry run" in result.stdout
    return root


def test_each_checklist_item_is_written_and_the_registry_generates_the_rest(scaffolded: Path) -> None:
    for name in NEW:
        assert (scaffolded / f"functions/validate_{name}/app.py").is_file()
        assert f"Handler: validate_{name}.app.handler" in (scaffolded / "template.yaml").read_text()
        assert name in json.loads((scaffolded / "docs/config.schema.json").read_text())["properties"]
    definition = parse_definition((scaffolded / "statemachines/validation.asl.json").read_text())
    starts = [b["StartAt"] for b in definition["States"]["Validate"]["Branches"]]
    # ... each new branch after the built-in validations', the custom checks' Map still last
    assert starts[-3:] == ["Login Flow Planned?", "Cert Expiry Planned?", "Custom Checks Planned?"]
    assert (
        definition["TimeoutSeconds"]
        == parse_definition((ROOT / "statemachines/validation.asl.json").read_text())["TimeoutSeconds"]
    )
    happy = json.loads((scaffolded / "tests/MockConfigFile.json").read_text())["StateMachines"]
    assert happy["greenlight-validation"]["TestCases"]["HappyPath"]["Validate Cert Expiry"] == "CertExpiryPassed"


def test_the_new_validations_run_in_dry_run_and_appear_in_the_report(scaffolded: Path) -> None:
    result = run(scaffolded, "-c", RUN_WORKFLOW)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stderr.strip().splitlines()[-1])
    assert outcome["verdict"] == "Succeeded"
    assert outcome["results"]["login_flow"] == ["passed", True]
    assert outcome["results"]["cert_expiry"] == ["passed", True]
    assert outcome["results"]["health"] == ["passed", False]


def test_an_existing_name_is_refused_with_exit_2_changing_nothing(scaffolded: Path) -> None:
    before = digest(scaffolded)
    result = run(scaffolded, "-m", "greenlight.cli.main", "new-validation", "login_flow")
    assert result.returncode == 2
    assert "exists already" in result.stderr and "nothing was changed" in result.stderr
    assert digest(scaffolded) == before


@pytest.mark.parametrize("name", ["Bad-Name", "x", "health", "webhooks", "custom_check"])
def test_bad_or_existing_names_are_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-validation", name]) == 2
    assert capsys.readouterr().err.startswith("greenlight: ")


def test_a_name_whose_states_the_custom_checks_branch_has_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-validation", "custom_check"]) == 2
    assert "already has a state named 'Custom Check Done'" in capsys.readouterr().err
