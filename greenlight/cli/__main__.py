"""`python -m greenlight.cli`: the `greenlight` command, for a checkout without the console script on PATH."""

from __future__ import annotations

from greenlight.cli.entry import run

run()
