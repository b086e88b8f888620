"""What the CLI reports as a usage error: one line on stderr, exit status 2; and the exit status of a verdict."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from greenlight.errors import GreenlightError

if TYPE_CHECKING:
    from greenlight.engine.run.results import LocalRunResult

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C
INTERRUPTED = "greenlight: interrupted; stopped cleanly\n"


def interrupted(interrupt: BaseException) -> str:
    """The line an interrupted command prints: stopped cleanly, or which of the run's handlers were still blocked in a
    call when it gave up waiting for them (they end with this process; nothing they send reaches AWS)."""
    from greenlight.engine.interface import outlived_threads

    threads = outlived_threads(interrupt)
    if not threads:
        return INTERRUPTED
    return (
        f"greenlight: interrupted; stopped, but for {len(threads)} handler thread(s) still blocked in a call "
        f"({', '.join(threads)}): they end with this process, and nothing they send reaches AWS\n"
    )


# C0 controls, DEL and C1 (0x9b is CSI to some terminals, as ESC [ is); the second keeps tab and line feed.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def exit_code(result: LocalRunResult) -> int:
    return EXIT_SUCCEEDED if result.verdict == "Succeeded" else EXIT_FAILED


def printable(text: str, *, lines: bool = True) -> str:
    """`text` with every control character written out (`\\x1b`), so none reaches the terminal as it came (it may quote
    what a service sent or a person chose); tabs and line breaks stay unless `lines` is False."""
    pattern = CONTROL_CHARACTERS_BUT_LINES if lines else CONTROL_CHARACTERS
    return pattern.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def one_line(text: str) -> str:
    """An error's text as printed: one line, every control character written out (`\\x0a`, `\\x1b`)."""
    return printable(text, lines=False)


class UsageError(GreenlightError):
    """A bad flag or file; the message is one line."""


def aws_problem(error: Exception) -> str:
    """One line saying what to set or fix when an AWS call could not be made or was refused (never a traceback)."""
    kind = type(error).__name__
    if kind == "NoRegionError":
        return "no AWS region: pass --region, or set AWS_DEFAULT_REGION (or region in your AWS profile)"
    if kind in ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"):
        return (
            "no usable AWS credentials: set AWS_PROFILE (after `aws configure` or `aws sso login`), or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    if kind in ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError"):
        return "your AWS SSO session has expired: run `aws sso login`"
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        code, message = response["Error"].get("Code", kind), response["Error"].get("Message", "")
        return f"AWS refused: {code}: {message}".rstrip(": ")
    return f"the AWS call failed: {error}".splitlines()[0]
