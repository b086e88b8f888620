"""What the command line needs of the engine before a run starts: its errors and defaults, without moto.

Importing the engine itself (moto, its Step Functions interpreter, boto3) takes a second or more; `greenlight
--help`, `config check` and a usage error should not pay for it, so these live here and the engine re-exports them.
"""

from __future__ import annotations

from greenlight.errors import GreenlightError

DEFAULT_TIME_SCALE = 0.05  # a 60 s bake time takes 3 s
DEFAULT_DEADLINE_S = 900.0


class LocalRunError(GreenlightError):
    """The local run cannot start as asked (an invalid config, for instance); the message is one line."""


class MockConfigError(GreenlightError):
    """The mock config file or the test case it names is missing or malformed."""
