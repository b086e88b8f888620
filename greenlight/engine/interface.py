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


# An interrupted run's KeyboardInterrupt carries, under this attribute, the handler threads that outlived the bounded
# wait for them to end: blocked in a call that has not returned (a read from a service that does not answer), where
# the stop cannot land until it does (a note says the same in a traceback). Nothing they send reaches AWS
# (greenlight.engine.guards.egress).
OUTLIVED = "greenlight_outlived_threads"


def mark_outlived(interrupt: BaseException, threads: list[str]) -> None:
    setattr(interrupt, OUTLIVED, threads)
    interrupt.add_note(f"handler threads still blocked in a call after the interrupt: {', '.join(threads)}")


def outlived_threads(interrupt: BaseException) -> list[str]:
    """The handler threads an interrupted run's KeyboardInterrupt names as outliving it (none: it stopped cleanly)."""
    return list(getattr(interrupt, OUTLIVED, []))
