"""`GreenlightError`, the base of every error greenlight reports to a person, as the command line catches it.

Defined in the functions' `common.errors` (Lambda code cannot import `greenlight`) and re-exported here.
"""

from __future__ import annotations

from common.errors import GreenlightError

__all__ = ["GreenlightError"]
