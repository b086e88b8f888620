"""What the local engine tells the functions it runs in-process; on Lambda none of these is set.

A local run without `--blue-url` has nothing behind the production listener: the BLUE target group takes no
requests, as a service without production traffic would on AWS. There the config decides what that means; here
it is known to be the run's setup, not the release's doing, so a baseline against BLUE is reported as not
judged, whatever the config says, and never fails a good release.
"""

from __future__ import annotations

import os

NO_BLUE_VARIABLE = "GREENLIGHT_LOCAL_NO_BLUE"
NO_BLUE_HERE = "cannot be judged here: this local run serves no BLUE release (start one and pass --blue-url)"


def no_blue_here() -> bool:
    """True in a local run that serves no BLUE release."""
    return os.environ.get(NO_BLUE_VARIABLE) == "1"
