"""What the docs show is real. In README.md, docs/*.md and bench/README.md: every `make` target exists in the Makefile
(as `make -n -p` reads it); every `greenlight` command parses with greenlight's own parser (nothing runs); every
`python -m` module, script and `pytest` file exists, with the options shown (a pytest `-m` naming only markers that
pyproject.toml declares). The links, the fault count and the configs shown: test_docs_pages.py."""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from greenlight.cli.errors import UsageError
from greenlight.cli.main import _parser
from tests.conftest import ROOT
from tests.docs.conftest import DOCS

PROGRAMS = ("make", "greenlight", "python", "python3", "pytest")
OTHER_PROGRAMS = ("sam", "aws", "git", "curl", "cd", "hey")
# What may come before a command on its line: a shell prompt, `time`, environment assignments, a path to the venv.
PREFIX = re.compile(r"^(?:\$ )?(?:time )?(?:[A-Z_][A-Z0-9_]*=\S* )*(?:\.venv/bin/)?")


@dataclass(frozen=True)
class Shown:
    """A command as a page shows it: a whole line of a code block, or a span of inline code (often a fragment)."""

    page: str
    text: str
    whole: bool

    def words(self) -> list[str]:
        text = re.sub(r"\[(--?[^\]]*)\]", r"\1", self.text)  # `[--json]`: an optional part, shown in brackets
        return [word for word in shlex.split(text) if word not in ("...", "\\")]


def _commands_in(line: str) -> list[str]:
    """The commands of one shell line (`a && b`, `a; b`), each without its prefix, comment or trailing `#...`; none
    when the line is not a command line (output, prose: "greenlight told CodeDeploy: Failed")."""
    line = re.sub(r"\s+#\s.*$", "", line.strip())
    if PREFIX.sub("", line).split(" ", 1)[0] not in (*PROGRAMS, *OTHER_PROGRAMS):
        return []
    found = []
    for part in re.split(r"\s*(?:&&|\|\||;|\|)\s*", line):
        command = PREFIX.sub("", part.strip())
        if command.split(" ", 1)[0] in PROGRAMS:
            found.append(command)
    return found


def shown_commands() -> list[Shown]:
    shown = []
    for path in DOCS:
        page = str(path.relative_to(ROOT))
        text = path.read_text()
        for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M):
            for line in block.replace("\\\n", " ").splitlines():
                shown += [Shown(page, command, whole=True) for command in _commands_in(line)]
        prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
        for span in re.findall(r"(?<!`)`([^`\n]+)`(?!`)", prose):
            shown += [Shown(page, command, whole=False) for command in _commands_in(span)]
    return shown


SHOWN = shown_commands()


def test_the_docs_show_commands_of_every_kind() -> None:
    programs = {shown.text.split(" ", 1)[0] for shown in SHOWN}
    assert {"make", "greenlight", "python"} <= programs
    assert len([s for s in SHOWN if s.text.startswith("greenlight ")]) >= 30


def test_every_make_target_shown_is_in_the_makefile() -> None:
    # The targets as make reads the Makefile: its database, printed by a dry run of `help` (which runs nothing).
    database = subprocess.run(
        ["make", "-n", "-p", "-f", "Makefile", "help"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    targets = set(re.findall(r"^([A-Za-z][\w.-]*):(?!=)", database, re.M))
    assert {"demo", "test", "lint"} <= targets
    missing = []
    for shown in (s for s in SHOWN if s.text.startswith("make")):
        for word in shown.words()[1:]:
            if not word.startswith("-") and "=" not in word and word not in targets:
                missing.append(f"{shown.page}: `{shown.text}`: no target {word!r}")
    assert not missing, "\n".join(missing)


def _subparser(words: list[str]) -> argparse.ArgumentParser:
    """The parser of the deepest subcommand the words name (`local run`, `bypass set`)."""
    parser = _parser()
    for word in words:
        commands = [a.choices for a in parser._actions if isinstance(a.choices, dict)]
        if not commands or word not in commands[0]:
            break
        parser = commands[0][word]
    return parser


def _parses(words: list[str]) -> str | None:
    """None when greenlight's parser takes the words, else why not."""
    try:
        _parser().parse_args(words)
    except UsageError as error:
        return str(error)
    except SystemExit as exit_:  # --version and --help print and exit
        return None if exit_.code == 0 else f"exit {exit_.code}"
    return None


def _fragment_parses(words: list[str]) -> str | None:
    """A fragment (`greenlight local run --controller ecs`) parses once the arguments it leaves out are given."""
    parser = _subparser(words)
    filled = list(words)
    for action in parser._actions:
        if action.required and action.option_strings and not set(action.option_strings) & set(words):
            filled += [action.option_strings[0], "http://127.0.0.1:8080"]
    known = {option for action in parser._actions for option in action.option_strings}
    unknown = [word for word in words if word.startswith("-") and word.split("=", 1)[0] not in known]
    if unknown:
        return f"unrecognized arguments: {' '.join(unknown)}"
    problem = _parses(filled)
    left_out = ("the following arguments are required", "one of the arguments")
    if problem and problem.startswith(left_out) and ("--" not in problem or problem.startswith(left_out[1])):
        return None  # a positional or one of a choice left out: `greenlight report` for `greenlight report FILE`
    return problem


def test_every_greenlight_command_shown_parses() -> None:
    shown = [s for s in SHOWN if s.text.startswith("greenlight ")]
    problems = []
    for command in shown:
        words = command.words()[1:]
        problem = _parses(words) if command.whole else _fragment_parses(words)
        if problem:
            problems.append(f"{command.page}: `{command.text}`: {problem}")
    assert not problems, "\n".join(problems)


def test_a_command_that_does_not_exist_is_caught() -> None:
    assert _fragment_parses(["lint"]) is not None
    assert _parses(["local", "run", "--target-url", "http://127.0.0.1:8080", "--no-such-option"]) is not None
    assert _fragment_parses(["local", "run", "--controller", "ecs"]) is None


def _module_source(module: str) -> str:
    spec = find_spec(module)
    assert spec is not None and spec.origin, f"no module {module}"
    origin = Path(spec.origin)
    return (origin.parent / "__main__.py" if origin.name == "__init__.py" else origin).read_text()


PYTEST = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
MARKERS = {marker.split(":", 1)[0] for marker in PYTEST["markers"]}


def _missing_tests(command: Shown, arguments: list[str]) -> list[str]:
    """Test paths that do not exist (selected or `--ignore`d); markers a `-m` expression names but pytest has not."""
    named = [word.removeprefix("--ignore=") for word in arguments]
    paths = [word.split("::")[0] for word in named if word.startswith("tests/")]
    problems = [f"{command.page}: `{command.text}`: no {path}" for path in paths if not (ROOT / path).exists()]
    expressions = [arguments[i + 1] for i, word in enumerate(arguments[:-1]) if word == "-m"]
    markers = {word for e in expressions for word in re.findall(r"\w+", e)} - {"and", "or", "not"}
    return problems + [f"{command.page}: `{command.text}`: no marker {m}" for m in sorted(markers - MARKERS)]


def test_every_pytest_command_shown_names_real_tests() -> None:
    shown = [s for s in SHOWN if s.text.startswith("pytest ")]
    assert shown
    problems = [problem for s in shown for problem in _missing_tests(s, s.words()[1:])]
    assert not problems, "\n".join(problems)


def test_a_pytest_command_naming_a_folder_or_marker_that_is_gone_is_refused() -> None:
    shown = Shown("page.md", 'pytest -m "unit and not engine" tests/unit --ignore=tests/sfn_local', whole=True)
    assert [problem.split(": ")[-1] for problem in _missing_tests(shown, shown.words()[1:])] == [
        "no tests/unit",
        "no marker unit",
    ]


def test_every_python_command_shown_names_a_real_module_or_script_and_its_options() -> None:
    shown = [s for s in SHOWN if s.text.startswith(("python ", "python3 "))]
    assert any(s.text.startswith("python -m bench.") for s in shown)
    problems = []
    for command in shown:
        words = command.words()[1:]
        if words in ([], ["-m"]):
            continue  # the program spoken of, not a command: "every `python -m` command"
        if words[0] == "-m":
            module, arguments = words[1], words[2:]
            if module in ("greenlight.cli", "greenlight"):
                problem = (_parses if command.whole else _fragment_parses)(arguments)
                problems += [f"{command.page}: `{command.text}`: {problem}"] if problem else []
                continue
            if module == "pytest":
                problems += _missing_tests(command, arguments)
                continue
            source = _module_source(module)
        else:
            # A script is run from the repository's root, or from the example's folder a page walks through.
            scripts = [ROOT / words[0], *ROOT.glob(f"examples/*/{words[0]}")]
            script, arguments = next((s for s in scripts if s.exists()), scripts[0]), words[1:]
            if not script.exists():
                problems.append(f"{command.page}: `{command.text}`: no script {words[0]}")
                continue
            source = script.read_text()
        for option in (w.split("=", 1)[0] for w in arguments if w.startswith("--")):
            if f'"{option}"' not in source:
                problems.append(
                    f"{command.page}: `{command.text}`: {words[1] if words[0] == '-m' else words[0]} takes no {option}"
                )
    assert not problems, "\n".join(problems)
