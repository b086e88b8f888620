"""The `greenlight` console script: the whole command, its own imports included, ends on Ctrl-C with exit 130 and
one line on stderr, never a traceback."""

from __future__ import annotations

import sys

from greenlight.cli.errors import EXIT_INTERRUPTED, INTERRUPTED


def run() -> None:
    try:
        from greenlight.cli.main import main

        code = main()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        code = EXIT_INTERRUPTED
    sys.exit(code)
