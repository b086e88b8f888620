"""Time to verdict with CloudWatch's delay: polling for published data (the defaults) against a fixed bake time.

The demo's good and bad releases, validated by the real workflow on the local engine at time scale 1, the local
CloudWatch publishing the ALB's metrics `--delay` seconds after each minute ends (as AWS does, "a minute or
more"). Two ways of waiting for the metrics:

- defaults: `bake_seconds: 60`, then read and read again every 10 s until the window's last minute is published;
- fixed bake: `bake_seconds: 180` (what the example config used to need), then one read, no polling;
- read once: `bake_seconds: 60`, then one read (what the defaults did before they polled).

Run from the repo root: `python -m bench.metrics_delay [--delay 60] [--only defaults|fixed|once]` (each run takes
minutes: it waits as AWS makes one wait).
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

import yaml

from greenlight.cli.demo import DEMO_CONFIG
from greenlight.engine import LocalRunOptions, run_local
from greenlight.project import Project
from greenlight.samples.service import BAD, GOOD, Release, SampleService

if TYPE_CHECKING:
    from greenlight.engine import LocalRunResult

ALB_PERIOD_S = 60  # an ALB's metrics come per minute
TRAFFIC_VALIDATIONS = ("health", "synthetic")  # what sends requests through the test listener
AIM_ABOVE_FLOOR_S = 15.0

APPROACHES = {
    "defaults": {},
    "fixed": {"bake_seconds": 180, "data_timeout_seconds": 0},
    "once": {"data_timeout_seconds": 0},
}


def config_for(approach: str, service_url: str) -> str:
    """The demo's config (its webhook on the sample service) with the approach's metrics settings."""
    document = yaml.safe_load(DEMO_CONFIG.replace("{service_url}", service_url))
    document["metrics"] = {**document["metrics"], **APPROACHES[approach]}
    return yaml.safe_dump(document)


def floor_s(report: LocalRunResult, started: float, delay: float, time_scale: float) -> float:
    """The soonest a verdict can judge all of the traffic, in seconds from the run's start: the end of the minute in
    which the traffic (health's and synthetic's requests) ends, plus the publication delay (both scaled, as the
    local CloudWatch scales them)."""
    ends = [
        v.started_at.timestamp() + v.duration_ms / 1000 for v in report.validations if v.name in TRAFFIC_VALIDATIONS
    ]
    traffic_end = max(ends, default=started)
    published = traffic_end - traffic_end % ALB_PERIOD_S + (ALB_PERIOD_S + delay) * time_scale
    return max(published, traffic_end) - started


def run(project: Project, release: Release, approach: str, delay: float, time_scale: float) -> None:
    with SampleService(release) as service:
        options = LocalRunOptions(
            target_url=service.url,
            config_text=config_for(approach, service.url),
            time_scale=time_scale,
            metrics_delay_s=delay,
        )
        started, clock = time.time(), time.monotonic()
        report = run_local(options, project)
        seconds = time.monotonic() - clock
    metrics = next((v for v in report.validations if v.name == "metrics"), None)
    publication = metrics.observed.get("publication", {}) if metrics else {}
    floor = floor_s(report, started, delay, time_scale)
    print(
        f"{approach:8} {release.version:7} verdict {report.verdict.value if report.verdict else None:9} "
        f"in {seconds:6.1f} s, floor {floor:6.1f} s (aim: at most floor + {AIM_ABOVE_FLOOR_S:g} s = "
        f"{floor + AIM_ABOVE_FLOOR_S:.1f} s); metrics {metrics.status.value if metrics else '-':12} "
        f"published={publication.get('published')} polled {publication.get('waited_seconds')} s; "
        f"{metrics.reason if metrics else ''}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=60.0, help="seconds after a minute ends (default 60)")
    parser.add_argument("--only", choices=sorted(APPROACHES), help="run one approach")
    parser.add_argument("--release", choices=["good", "bad"], help="run one release")
    parser.add_argument("--time-scale", type=float, default=1.0, help="below 1: a quick pass, not the figure")
    args = parser.parse_args()
    project = Project.find()
    releases = {"good": GOOD, "bad": BAD}
    for approach in [args.only] if args.only else list(APPROACHES):
        for name in [args.release] if args.release else list(releases):
            run(project, releases[name], approach, args.delay, args.time_scale)


if __name__ == "__main__":
    main()
