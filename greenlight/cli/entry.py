"""The `greenlight` console script: the whole command, its own imports included, ends on Ctrl-C with exit 130 and
one line on stderr, never a traceback; and it exits without collecting the engine's millions of objects one by one
(seconds of interpreter shutdown after a local run, when the process ends anyway)."""

from __future__ import annotations

import gc
import sys

from greenlight.cli.errors import EXIT_INTERRUPTED, INTERRUPTED


def run() -> None:
    try:
        from greenlight.cli.main import main

        code = main()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    gc.freeze()
    sys.exit(code)
