"""Expectation regexes, run by RE2: matching takes time linear in the text, whatever the pattern.

A backtracking engine (Python's `re`) can take exponential time on a crafted answer (`^(a+)+$` against
`aaaa…!`), on the event loop that runs every other request. RE2 has no backreferences or lookaround, so such a
pattern is refused when the config is validated, never at run time.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

# A compiled program bigger than this is refused (RE2's own default is 8 MiB); no expectation needs more.
MAX_PROGRAM_BYTES = 1 << 20
MAX_PATTERN_LENGTH = 1000


class PatternError(ValueError):
    """A pattern RE2 cannot compile."""


@cache
def _engine() -> Any:
    """RE2, loaded on first use: a machine without it refuses patterns clearly instead of failing every import."""
    try:
        import re2
    except ImportError as error:  # a native library missing where the wheel was installed
        raise PatternError(f"the RE2 regular expression engine cannot be loaded here: {error}") from error
    return re2


def _options() -> Any:
    options = _engine().Options()
    options.log_errors = False  # the reason goes into the config error, not to stderr
    options.max_mem = MAX_PROGRAM_BYTES
    return options


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern; PatternError says why RE2 refuses it."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"a pattern may have at most {MAX_PATTERN_LENGTH} characters")
    engine = _engine()
    try:
        return engine.compile(pattern, _options())
    except engine.error as error:
        detail = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else error
        raise PatternError(
            f"not a regular expression RE2 accepts ({detail}); RE2 has no backreferences or lookaround"
        ) from error


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text`, in time linear in `text`."""
    return compile_pattern(pattern).search(text) is not None
