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
