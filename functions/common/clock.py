"""The one place validators wait, so a local run can scale every wait (Lambda never changes the scale)."""

from __future__ import annotations

import time

TIME_SCALE = 1.0


def sleep(seconds: float) -> None:
    if seconds > 0 and TIME_SCALE > 0:
        time.sleep(seconds * TIME_SCALE)
