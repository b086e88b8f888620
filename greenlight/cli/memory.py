"""No garbage collection while a command starts; collection from when the workflow starts, without what the start made.

A local run's start makes some 400,000 objects the collector tracks (modules, AWS models, moto's backends, the
engine) that all live until exit, and Python's collector would walk them again and again while they are made (about
a quarter of the start's CPU). The console script pauses collection first thing; a local run starts it again as
its workflow starts (`collect_from_now`, a `before_start` of run_local), with what the start made frozen out of it.
"""

from __future__ import annotations

import gc


def pause_collection() -> None:
    gc.disable()


def collect_from_now(*_: object) -> None:
    """The start is over: what it made is kept out of every later collection, and collection resumes."""
    gc.freeze()
    gc.enable()
