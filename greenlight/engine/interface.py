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


# How an interrupted run's KeyboardInterrupt says (a note, PEP 678) which handler threads outlived the bounded wait for
# them to end: blocked in a call that has not returned (a read from a service that does not answer), where the stop
# cannot land until it does. Nothing they send reaches AWS (greenlight.engine.guards.egress).
OUTLIVED_NOTE = "handler threads still blocked in a call after the interrupt: "


def outlived_note(threads: list[str]) -> str:
    return OUTLIVED_NOTE + ", ".join(threads)


def outlived_threads(interrupt: BaseException) -> list[str]:
    """The handler threads an interrupted run's KeyboardInterrupt names as outliving it (none: it stopped cleanly)."""
    notes = getattr(interrupt, "__notes__", [])
    return [name for note in notes if note.startswith(OUTLIVED_NOTE) for name in note[len(OUTLIVED_NOTE) :].split(", ")]
