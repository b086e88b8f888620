"""The `greenlight` console script: the whole command, its own imports included, ends on Ctrl-C with exit 130 and
one line on stderr, never a traceback; and it exits without collecting the engine's millions of objects one by one
(seconds of interpreter shutdown after a local run, when the process ends anyway). It pauses garbage collection while
the command starts (greenlight.cli.memory says why)."""

from __future__ import annotations

import gc
import sys

from greenlight.cli.errors import EXIT_INTERRUPTED, INTERRUPTED
from greenlight.cli.memory import pause_collection


def run() -> None:
    pause_collection()
    try:
        from greenlight.cli.main import main

        code = main()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    gc.freeze()
    sys.exit(code)
