"""No garbage collection while a command starts; collection from when the workflow starts, without what the start made.

A local run's start makes some 400,000 objects the collector tracks (modules, AWS models, moto's backends, the
engine) that all live until exit, and Python's collector would walk them again and again while they are made (about
a quarter of the start's CPU). The console script pauses collection first thing; a local run starts it again as
its workflow starts (`collect_from_now`, a `before_start` of run_local), with what the start made frozen out of it.

Nor does the command take the interpreter apart when it is done (`leave`): after a local run, freeing its millions of
objects module by module took 0.1 to 0.7 s between the verdict printed and the process's end.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading


def pause_collection() -> None:
    gc.disable()


def collect_from_now(*_: object) -> None:
    """The start is over: what it made is kept out of every later collection, and collection resumes."""
    gc.freeze()
    gc.enable()


def leave(code: int) -> None:
    """End the process with `code` as Python's own exit would, less the teardown: once no thread but daemons is left
    (otherwise Python's exit waits for them, as always), atexit's handlers run (logging's flush among them), stdout
    and stderr are flushed, then the process ends at once."""
    main = threading.main_thread()
    if any(thread is not main and not thread.daemon and thread.is_alive() for thread in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`greenlight ... | head`): nothing more to say
            stream.flush()
    os._exit(code)
