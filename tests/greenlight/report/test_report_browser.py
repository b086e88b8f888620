"""The report page of a failing run, opened in a real headless browser: the charts drew, the reason is named.

Chromium comes from Debian's packages (`make browser` installs it where the machine allows); without it the test
skips and says why. Playwright drives that Chromium through `executable_path`: its own browser download is
never used. Set GREENLIGHT_REPORT_SCREENSHOT to keep a screenshot of the page.
"""

from __future__ import annotations

import os
import re
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

# As Debian's chromium runs headless on a machine with no network: nothing reaches out at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RED, GREEN_PASS = "rgb(198, 40, 40)", "rgb(46, 125, 50)"  # #c62828 (fail) and #2e7d32 (pass)
SCENARIO = [{"name": "list items", "path": "/api/items", "expect": {"status": [200], "max_latency_ms": 1000}}]


def colour(page: Any, selector: str) -> str:
    return str(page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).backgroundColor"))


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
    config = quick_config(
        synthetic={
            "requests": SCENARIO,
            "total_requests": 120,
            "min_success_ratio": 0.99,
            "request_timeout_seconds": 3,
        },
        metrics={"baseline": {}},
    )
    with SampleService(BAD) as service:
        options = LocalRunOptions(target_url=service.url, config_text=config, **QUICK_RUN)
        result = run_local(options, project)
    assert result.verdict == "Failed"
    return write_local_run_page(result, tmp_path_factory.mktemp("report") / "verdict.html")


def test_the_failing_runs_page_draws_its_charts_names_why_in_one_line_and_colours_pass_and_fail(
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
    assert page.query_selector_all("#validation-metrics .js-plotly-plot .bars .point path")
    assert page.query_selector_all("#timeline .bars .point path")
    # ... the headline is one line: what was decided and the first cause; the full reason is below it
    headline = page.locator("#headline")
    assert headline.inner_text().startswith("Stopped: synthetic failed: ")
    assert headline.inner_text().count("\n") == 0 and len(headline.inner_text()) < 200
    line_height = float(page.evaluate("getComputedStyle(document.querySelector('#headline')).lineHeight")[:-2])
    assert headline.bounding_box()["height"] < 2.5 * line_height  # fits a line, or two on a narrow window
    assert "Failed: Blocked by synthetic" in page.inner_text("#why")
    assert "greenlight told CodeDeploy: Failed" in page.inner_text("#told")
    # ... colours mean pass and fail: the failed badge and a breaking GREEN bar are red, a passing one green
    assert colour(page, "#validation-synthetic h2 .status") == RED
    assert colour(page, "#validation-health h2 .status") == GREEN_PASS
    five_xx = page.locator("#validation-metrics .js-plotly-plot").first
    bar_fills = [bar.get_attribute("style") or "" for bar in five_xx.locator(".bars .point path").all()]
    assert any("rgb(198, 40, 40)" in fill for fill in bar_fills), bar_fills
    # ... GREEN and BLUE are told apart by label, not colour; a BLUE without data says so
    legend = " ".join(five_xx.locator(".legendtext").all_text_contents())
    assert "GREEN (new release)" in legend
    assert "BLUE: no data in the window" in five_xx.locator(".gtitle").text_content()
    # ... no Python repr anywhere in the text
    body = page.inner_text("body")
    assert not re.search(r"\{'|': |\bNone\b|\bTrue\b|\bFalse\b", body), re.findall(r".{20}(?:\{'|None|True).{20}", body)
    # ... and it is small enough to mail
    assert failing_page.stat().st_size <= 1_500_000

    def text(selector: str) -> str:
        return str(page.locator(f"#validation-synthetic {selector}").inner_text())

    assert "failed" in text("h2")
    observed = dict(row.split("\t") for row in text(".observed").splitlines()[1:])
    expected = dict(row.split("\t") for row in text(".expected").splitlines()[1:])
    assert float(observed["success_ratio"]) < 0.99 and expected["min_success_ratio"] == "0.99"
    assert "list items" in text(".failures") and "status 500" in text(".failures")
    screenshot = Path(os.environ.get("GREENLIGHT_REPORT_SCREENSHOT") or tmp_path / "report.png")  # kept when set
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.close()
