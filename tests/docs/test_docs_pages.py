"""What the docs say beyond commands: every relative link reaches a file and a heading (anchors computed as GitHub
does), the fault count given is the fault matrix's, and every config shown is valid."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT
from tests.docs.conftest import DOCS


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped (but `-` and `_`), spaces to hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.S | re.M)
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        anchor, n = github_anchor(heading), 1
        while anchor in found:  # a repeated heading gets -1, -2, ...
            anchor, n = f"{github_anchor(heading)}-{n}", n + 1
        found.add(anchor)
    return found | set(re.findall(r'<a (?:name|id)="([^"]+)"', text))


def test_github_anchors_are_computed_as_github_does() -> None:
    assert (
        github_anchor("Two deployment engines: CodeDeploy and Amazon ECS")
        == "two-deployment-engines-codedeploy-and-amazon-ecs"
    )
    assert github_anchor("Which ECS hook: Lambda or pause") == "which-ecs-hook-lambda-or-pause"
    assert github_anchor("GREEN against BLUE: centre and tail") == "green-against-blue-centre-and-tail"
    assert (
        github_anchor("Figures (measured on the 2-core development machine)")
        == "figures-measured-on-the-2-core-development-machine"
    )


def test_every_relative_link_reaches_a_file_and_a_heading() -> None:
    broken, checked = [], 0
    for page in DOCS:
        text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.S | re.M)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue  # https:, mailto:
            checked += 1
            path_part, _, anchor = target.partition("#")
            path = (page.parent / path_part).resolve() if path_part else page
            where = f"{page.relative_to(ROOT)}: ({target})"
            if not path.exists():
                broken.append(f"{where}: no file")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{where}: no heading #{anchor} in {path.relative_to(ROOT)}")
    assert checked > 40
    assert not broken, "\n".join(broken)


def _table_rows(markdown: str) -> int:
    """Data rows of the first table in the text (its header and separator left out)."""
    table = re.search(r"(?:^\|.*\|\n)+", markdown, re.M)
    return len(table[0].splitlines()) - 2 if table else 0


def test_the_fault_count_the_docs_give_is_the_fault_matrix_s() -> None:
    from tests.docs.test_architecture_doc import added_by_new_validation
    from tests.support.faults import FAULTS

    matrix = (ROOT / "docs" / "fault-matrix.md").read_text()
    codedeploy, ecs, pause = (_table_rows(part) for part in re.split(r"^## ", matrix, flags=re.M))
    said = re.search(
        r"lists (\d+) faults, in (\d+) rows for CodeDeploy \((\d+) runs"
        r".*?(\d+) for the ECS Lambda hook and (\d+) for the ECS pause",
        " ".join((ROOT / "docs" / "limits.md").read_text().split()),
    )
    assert said, "docs/limits.md no longer says how many faults the matrix lists"
    # a validation added with new-validation adds its crash and timeout runs to the matrix, not to the docs' count
    runs = len(FAULTS) - 2 * len(added_by_new_validation())
    assert [int(n) for n in said.groups()] == [codedeploy + ecs + pause, codedeploy, runs, ecs, pause]


def test_every_config_the_docs_show_is_valid() -> None:
    from common.config import GreenlightConfig, parse_document, validate

    shown = 0
    for path in DOCS:
        for block in re.findall(r"^```yaml\n(.*?)^```", path.read_text(), re.S | re.M):
            tops = set(re.findall(r"^(\w+):", block, re.M))
            if not tops or not tops <= set(GreenlightConfig.model_fields):
                continue  # a CloudFormation or appspec snippet, not a greenlight config
            validate(parse_document(block, str(path)), f"a config shown in {path.relative_to(ROOT)}")
            shown += 1
    assert shown >= 2
