"""The one place validators wait, so a local run can scale every wait.

The local engine sets GREENLIGHT_TIME_SCALE for its handlers; on Lambda it is unset and waits are real.
"""

from __future__ import annotations

import os
import time

TIME_SCALE_VARIABLE = "GREENLIGHT_TIME_SCALE"


def time_scale() -> float:
    return float(os.environ.get(TIME_SCALE_VARIABLE, "1"))


def sleep(seconds: float) -> None:
    scale = time_scale()
    if seconds > 0 and scale > 0:
        time.sleep(seconds * scale)


def elapsed_against(elapsed_s: float, limit_s: float, name: str) -> str:
    """Real seconds spent, with the config's limit they count against; in a time-scaled run, says so.

    `after 1.6 s (health.timeout_seconds 30 s, time-scaled x0.05)`, or on AWS `after 31.2 s (health.timeout_seconds
    30 s)`: a person reads the time that really passed, and the setting to change.
    """
    scale = time_scale()
    scaled = "" if scale == 1 else f", time-scaled x{scale:g}" if scale else ", waits skipped (time scale 0)"
    return f"after {elapsed_s:.1f} s ({name} {limit_s:g} s{scaled})"
