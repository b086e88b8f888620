"""What the CLI reports as a usage error: one line on stderr, exit status 2."""

from __future__ import annotations

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C
INTERRUPTED = "greenlight: interrupted; stopped cleanly\n"


class UsageError(Exception):
    """A bad flag or file; the message is one line."""
