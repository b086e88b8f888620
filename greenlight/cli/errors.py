"""What the CLI reports as a usage error: one line on stderr, exit status 2."""

from __future__ import annotations

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad flag or file; the message is one line."""
