"""The one base of every error greenlight reports to a person: `GreenlightError`.

Each package's own error classes (a config that does not validate, a project that cannot be read, a flag that
makes no sense) derive from it, keeping their other bases (a `ValueError` stays one, for pydantic's validators and
for the callers that catch it). The command line catches this one class; a Lambda function catches its own
subclasses where it turns them into a verdict's reason. It lives at the top of `common`, which imports nothing,
so every function (the hooks' cold-start path included) and the local tooling (`greenlight.errors`) share it.
"""

from __future__ import annotations


class GreenlightError(Exception):
    """An error whose message is for the person running greenlight: one line, saying what to fix."""
