"""A state machine's definition parsed once, not at every CreateStateMachine and StartExecution.

moto parses a definition with its ANTLR parser when the state machine is created (to validate it, the result
thrown away) and again when each execution starts: 0.1 to 0.2 s of CPU each for greenlight's workflow, on a local
run's way to its first state. The parsed program (moto's evaluation components, which hold no state of a run) is
kept pickled by the definition's content: in this process, and in a cache folder when one is given
(`GREENLIGHT_CACHE_DIR`; the `greenlight` command gives its user cache folder, greenlight.cli.entry). Each use
unpickles a program of its own, as a parse would have made it. A definition that does not parse is never kept, so
moto's own InvalidDefinition answers it, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import threading
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from greenlight.engine.patches.originals import ORIGINALS, PatchList

CACHE_VARIABLE = "GREENLIGHT_CACHE_DIR"  # a folder for parsed definitions; unset or empty: this process only
FORMAT = "1"  # bump when what is stored changes
KEPT_FILES = 64  # the folder keeps the most recently written definitions, no more
_IN_PROCESS_LIMIT = 32
_LOCK = threading.Lock()
_programs: dict[str, bytes] = {}  # key -> pickled program


@cache
def _environment_key() -> bytes:
    """What else decides the parsed program: moto's and Python's versions, and the patches' own code."""
    digest = hashlib.sha256(f"{FORMAT}|{version('moto')}|{sys.version}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.digest()


def key_of(definition: str) -> str:
    return hashlib.sha256(_environment_key() + definition.encode()).hexdigest()


def cache_folder() -> Path | None:
    """The cache folder, when one is given and it is this user's alone (a pickle is code: none from a folder another
    user can write to)."""
    given = os.environ.get(CACHE_VARIABLE, "")
    if not given:
        return None
    folder = Path(given, "asl")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None
    return folder


def _read(folder: Path, key: str) -> bytes | None:
    path = folder / f"{key}.pickle"
    try:
        status = path.stat()
        if status.st_uid != os.getuid() or status.st_mode & 0o022:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _write(folder: Path, key: str, data: bytes) -> None:
    """Written whole or not at all (another process may read it meanwhile); the oldest files beyond KEPT_FILES go.
    A write that fails (a full disk) leaves nothing behind: every run would leave its part-written file."""
    written: str | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as file:
            written = file.name
            file.write(data)
        os.replace(file.name, folder / f"{key}.pickle")
        written = None
        kept = sorted(folder.glob("*.pickle"), key=lambda path: path.stat().st_mtime, reverse=True)
        for stale in kept[KEPT_FILES:]:
            stale.unlink(missing_ok=True)
    except OSError:
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)


def _stored(key: str) -> bytes | None:
    with _LOCK:
        data = _programs.get(key)
    if data is None and (folder := cache_folder()) is not None:
        data = _read(folder, key)
        if data is not None:
            _remember(key, data)
    return data


def _remember(key: str, data: bytes) -> None:
    with _LOCK:
        if len(_programs) >= _IN_PROCESS_LIMIT:
            _programs.clear()
        _programs[key] = data


def _store(key: str, program: Any) -> None:
    try:
        data = pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # kept nowhere: parsed again next time, as moto does
    _remember(key, data)
    if (folder := cache_folder()) is not None:
        _write(folder, key, data)


def program(definition: str) -> Any:
    """The definition's program, of its own: unpickled from what was kept, else parsed (then kept).

    A definition that does not parse raises what moto's parser raises."""
    key = key_of(definition)
    data = _stored(key)
    if data is not None:
        try:
            return pickle.loads(data)  # noqa: S301  (written by this process or this user's greenlight alone)
        except Exception:  # a damaged or foreign file: parsed again below, then replaced
            with _LOCK:
                _programs.pop(key, None)
    parsed, _ = AmazonStateLanguageParser.parse(definition)
    _store(key, parsed)
    return parsed


def validate_definition(definition: str) -> None:
    """CreateStateMachine's check: a definition parsed before is valid; any other is parsed, and kept if valid. One
    that fails is checked by moto's own validation, for its own InvalidDefinition answer."""
    try:
        program(definition)
    except Exception:
        ORIGINALS["validate_definition"](definition)
        raise


def evaluation_entrypoint(self: ExecutionWorker) -> Any:
    return program(self._evaluation_details.state_machine_details.definition)


PATCHES: PatchList = [
    (StepFunctionsParserBackend, "_validate_definition", staticmethod(validate_definition)),
    (ExecutionWorker, "_get_evaluation_entrypoint", evaluation_entrypoint),
]
