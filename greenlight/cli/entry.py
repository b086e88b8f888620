"""The `greenlight` console script: the whole command, its own imports included, ends on Ctrl-C with exit 130 and
one line on stderr, never a traceback; and it exits without collecting or freeing the engine's millions of objects
one by one (seconds of interpreter shutdown after a local run, when the process ends anyway: greenlight.cli.memory).
It pauses garbage collection while the command starts (greenlight.cli.memory says why), and keeps what the engine
parses once in the user's cache folder (greenlight.engine.patches.definitions; GREENLIGHT_CACHE_DIR, empty for
none)."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from greenlight.cli.errors import EXIT_INTERRUPTED, interrupted
from greenlight.cli.memory import leave, pause_collection


def user_cache_folder() -> str:
    """Where the command keeps what it can reuse from run to run: $XDG_CACHE_HOME/greenlight, ~/.cache/greenlight;
    none ("") for a user without a home (a container's arbitrary uid with no HOME and no passwd entry)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # pathlib cannot tell where home is: nothing kept, nothing refused
            return ""
    return str(Path(base, "greenlight"))


def run() -> None:
    pause_collection()
    os.environ.setdefault("GREENLIGHT_CACHE_DIR", user_cache_folder())
    try:
        from greenlight.cli.main import main

        code = main()
    except KeyboardInterrupt as interrupt:
        sys.stderr.write(interrupted(interrupt))
        code = EXIT_INTERRUPTED
    gc.freeze()
    leave(code)
