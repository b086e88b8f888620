"""`greenlight report --execution-arn`: the page of a real execution, read through boto3 (DescribeExecution and
GetExecutionHistory), here against the local engine's Step Functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenlight.cli.main import main
from greenlight.cli.sample_service import BAD, SampleService
from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.project import Project
from greenlight.engine.standin import APPLICATION, DEPLOYMENT_GROUP, create_deployment
from tests.support.quick_config import TIME_SCALE, quick_config

pytestmark = pytest.mark.engine


def test_the_page_of_an_execution_read_by_its_arn(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a bad release validated as CodeDeploy would run it: the hook starts the execution
    page = tmp_path / "verdict.html"
    with SampleService(BAD) as service, LocalEngine(project, time_scale=TIME_SCALE) as engine:
        deployment = create_deployment(engine.clients, service.url, "/health", settings=engine.settings)
        try:
            config = quick_config(synthetic={"requests": [{"name": "list items", "path": "/api/items"}]})
            name = f"/greenlight/{APPLICATION}/{DEPLOYMENT_GROUP}"
            engine.clients["ssm"].put_parameter(Name=name, Value=config, Type="String")
            engine.invoke_hook(deployment.deployment_id, deployment.hook_execution_id)
            execution_arn = engine.execution_arn_for_hook(deployment.hook_execution_id)
            assert engine.wait(execution_arn, 120).status == "SUCCEEDED"
            # WHEN a person asks for the page of that execution by its ARN
            code = main(["report", "--execution-arn", execution_arn, "-o", str(page)])
            missing = main(["report", "--execution-arn", execution_arn + "-gone", "-o", str(tmp_path / "x.html")])
        finally:
            deployment.listener.close()
    # THEN the page holds the execution's own verdict report and the states from its history
    html, err = page.read_text(), capsys.readouterr().err
    assert code == 0 and f"Report written to {page}" in err
    assert '<h1 id="headline">Stopped: ' in html and deployment.deployment_id in html
    assert 'id="validation-synthetic"' in html and "min_success_ratio" in html
    assert "greenlight told CodeDeploy: Failed" in html and "The workflow ran to completion" in html
    assert '"Validate Synthetic"' in html and '"Finalize"' in html  # the timeline's states, from the history
    # ... and an execution that does not exist is one line and exit 2, no page
    assert missing == 2 and not (tmp_path / "x.html").exists()
    assert "greenlight: cannot read execution" in err and "ExecutionDoesNotExist" in err
