"""`greenlight demo`: a good release passes, a bad one (errors and slow answers) is stopped, with reasons."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from greenlight.cli.errors import UsageError
from greenlight.cli.live import watching
from greenlight.cli.memory import collect_from_now
from greenlight.cli.render import render
from greenlight.cli.report import write_local_run_page
from greenlight.engine import LocalRunOptions, run_local
from greenlight.samples.service import BAD, GOOD, Release, SampleService

if TYPE_CHECKING:
    from greenlight.engine import LocalRunResult

DEMO_CONFIG = """\
# The demo's config, as it would sit in SSM under /greenlight/<application>/<deployment group>.
health:
  path: /health
  interval_seconds: 1
synthetic:
  total_requests: 200
  concurrency: 8
  requests:
    - name: list items
      path: /api/items
      expect:
        status: [200]
        json:
          - {path: items.0.id, exists: true}
        max_latency_ms: 1000
metrics:
  min_request_count: 50
# The team's own check, a webhook the sample service serves: it places orders on GREEN and answers passed or failed.
webhooks:
  - name: smoke
    url: {service_url}/checks/smoke
    dry_run: false
"""


DEMO_TIME_SCALE = 0.05


def _validate(release: Release, as_json: bool, verbose: bool, controller: str, ecs_hook: str) -> LocalRunResult:
    with SampleService(release) as service:
        if not as_json:
            engine = "CodeDeploy"
            if controller == "ecs":
                engine = "Amazon ECS (a pause hook)" if ecs_hook == "pause" else "Amazon ECS"
            sys.stderr.write(
                f"\n== Deploying {release.version} of the sample service ({service.url}) with {engine} ==\n"
            )
        config_text = DEMO_CONFIG.replace("{service_url}", service.url)
        options = LocalRunOptions(
            target_url=service.url,
            config_text=config_text,
            time_scale=DEMO_TIME_SCALE,
            controller=controller,
            ecs_hook=ecs_hook,
        )
        with watching(sys.stderr, as_json, verbose, DEMO_TIME_SCALE) as on_state:
            return run_local(options, on_state=on_state, before_start=collect_from_now)


def write_pages(reports: dict[str, LocalRunResult], folder: Path | None) -> list[Path]:
    """One HTML report per release, in `folder` (a new temporary folder when None)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="greenlight-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    return [write_local_run_page(report, folder / f"{version}.html") for version, report in reports.items()]


def run_demo(
    as_json: bool = False,
    report_dir: Path | None = None,
    verbose: bool = False,
    controller: str = "codedeploy",
    ecs_hook: str = "lambda",
) -> int:
    started = time.monotonic()
    if report_dir is not None:  # said before the two runs, not after them
        try:
            report_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot write the reports to --report-dir {report_dir}: {error.strerror}") from error
    reports = {release.version: _validate(release, as_json, verbose, controller, ecs_hook) for release in (GOOD, BAD)}
    pages = write_pages(reports, report_dir)
    if as_json:
        json.dump(
            {version: report.model_dump(mode="json") for version, report in reports.items()}, sys.stdout, indent=2
        )
        sys.stdout.write("\n")
    good, bad = reports[GOOD.version], reports[BAD.version]
    as_expected = good.verdict == "Succeeded" and bad.verdict == "Failed"
    if not as_json:
        for version, report in reports.items():
            sys.stdout.write(f"\n--- {version} ---\n")
            render(report, sys.stdout)
        outcome = (
            "the good release was let through, the bad one was stopped before production traffic reached it"
            if as_expected
            else "the verdicts were not the expected ones (see above)"
        )
        sys.stdout.write(f"\nDemo finished in {time.monotonic() - started:.1f} s: {outcome}.\n")
    (sys.stderr if as_json else sys.stdout).write("Reports: " + ", ".join(str(p.resolve()) for p in pages) + "\n")
    return 0 if as_expected else 1
