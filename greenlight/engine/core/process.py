"""What a local run changes in this process, each change undone when the run ends."""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Iterator
from typing import Any, TextIO


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def logger_to(logger: logging.Logger, stream: TextIO) -> Iterator[None]:
    """moto logs every failed state at ERROR; locally that belongs with the functions' logs, not the terminal."""
    handler, propagate = logging.StreamHandler(stream), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextlib.contextmanager
def stream_of(handler: Any, stream: TextIO) -> Iterator[None]:
    """The functions' structured logs (Powertools' handler) go to the run's log while it lasts."""
    if not hasattr(handler, "setStream"):
        yield
        return
    previous = handler.setStream(stream)  # None when the handler already writes to this stream (made in the run)
    try:
        yield
    finally:
        # The stream may be a file the caller closes after the run: the handler gets back what it had, or a sink
        # of its own, never the run's stream.
        handler.setStream(previous if previous is not None else io.StringIO())
