"""`python -m greenlight.cli`: the `greenlight` command, for a checkout without the console script on PATH."""

from __future__ import annotations

import sys

from greenlight.cli.main import main

sys.exit(main())
