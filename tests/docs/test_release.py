"""A release is one version in one place, a changelog entry for it, and the license pyproject names, whole."""

from __future__ import annotations

import hashlib
import re
import tomllib
from importlib.metadata import version

from tests.conftest import ROOT

# SHA-256 of the Apache License 2.0 text as apache.org publishes it (LICENSE-2.0.txt), appendix included.
APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"


def pyproject() -> dict[str, object]:
    return dict(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"])


def test_the_installed_version_is_pyprojects() -> None:
    assert version("greenlight") == pyproject()["version"]


def test_the_changelog_has_a_dated_entry_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(str(pyproject()['version']))}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)


def test_the_license_is_the_whole_apache_2_0_text() -> None:
    assert pyproject()["license"] == "Apache-2.0"
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_2_0_SHA256
