"""The report page of a failing run, opened in a real headless browser: the charts drew, the reason is named.

Chromium comes from Debian's packages (`make browser` installs it where the machine allows); without it the test
skips and says why. Playwright drives that Chromium through `executable_path`: its own browser download is
never used. Set GREENLIGHT_REPORT_SCREENSHOT to keep a screenshot of the page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from greenlight.cli.report import write_local_run_page
from greenlight.cli.sample_service import BAD, SampleService
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.project import Project
from tests.support.quick_config import QUICK_RUN, quick_config

pytestmark = pytest.mark.functional

# As Debian's chromium runs headless on a machine with no network: nothing reaches out at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCENARIO = [{"name": "list items", "path": "/api/items", "expect": {"status": [200], "max_latency_ms": 1000}}]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = os.environ.get("GREENLIGHT_CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.skip("no Chromium here (Debian's package `chromium`; `make browser` installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def failing_page(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = quick_config(synthetic={"requests": SCENARIO, "total_requests": 120})
    with SampleService(BAD) as service:
        options = LocalRunOptions(target_url=service.url, config_text=config, **QUICK_RUN)
        result = run_local(options, project)
    assert result.verdict == "Failed"
    return write_local_run_page(result, tmp_path_factory.mktemp("report") / "verdict.html")


def test_the_failing_runs_page_draws_its_charts_and_names_why(
    chromium: Any, failing_page: Path, tmp_path: Path
) -> None:
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(failing_page.as_uri())
    page.wait_for_selector("#timeline .main-svg", timeout=30_000)
    # THEN it opened offline: nothing but the file itself was requested
    assert requested == [failing_page.as_uri()]
    # ... every chart drew: a plotly SVG with a size, and the bars or lines inside it
    charts = page.query_selector_all(".js-plotly-plot")
    assert len(charts) >= 4
    for chart in charts:
        box = chart.query_selector(".main-svg").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart.get_attribute("id")
    synthetic = page.query_selector("#validation-synthetic")
    assert synthetic.query_selector_all(".js-plotly-plot .bars .point path")
    assert page.query_selector_all("#validation-metrics .js-plotly-plot .scatterlayer .trace")
    assert page.query_selector_all("#timeline .bars .point path")
    # ... and it names the failing validation, its observed value and its threshold
    assert "greenlight stopped this deployment" in page.inner_text("#headline")
    assert "greenlight told CodeDeploy: Failed" in page.inner_text("#told")

    def text(selector: str) -> str:
        return str(page.locator(f"#validation-synthetic {selector}").inner_text())

    assert "failed" in text("h2")
    observed = dict(row.split("\t") for row in text(".observed").splitlines()[1:])
    expected = dict(row.split("\t") for row in text(".expected").splitlines()[1:])
    assert float(observed["success_ratio"]) < 0.99 and expected["min_success_ratio"] == "0.99"
    assert "list items" in text(".failures") and "status 500" in text(".failures")
    screenshot = Path(os.environ.get("GREENLIGHT_REPORT_SCREENSHOT") or tmp_path / "report.png")
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.close()
