"""A state machine's definition is parsed once and kept by its content (greenlight.engine.patches.definitions): what
is kept is what a parse makes, a changed definition is parsed anew, and a damaged or foreign cache file is never
trusted."""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from greenlight.engine import patches
from greenlight.engine.patches import definitions
from greenlight.engine.run.local_engine import LocalEngine
from greenlight.project import Project

ROLE = "arn:aws:iam::123456789012:role/greenlight-local"


def machine(result: str) -> str:
    return json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "Result": result, "End": True}}})


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Each definition moto's parser parses, with an empty cache in this process and a cache folder of its own."""
    patches.apply()
    monkeypatch.setattr(definitions, "_programs", {})
    monkeypatch.setenv(definitions.CACHE_VARIABLE, str(tmp_path))
    seen: list[str] = []
    parse = AmazonStateLanguageParser.parse

    def counting(definition: str) -> Any:
        seen.append(definition)
        return parse(definition)

    monkeypatch.setattr(AmazonStateLanguageParser, "parse", staticmethod(counting))
    return seen


def test_a_kept_program_is_the_one_a_parse_makes_and_each_use_gets_its_own(parses: list[str]) -> None:
    # GIVEN the workflow's own definition, parsed once
    definition = Project.find().definition_text()
    first = definitions.program(definition)
    # WHEN it is asked for again
    again = definitions.program(definition)
    # THEN it was parsed once, and the second is a program of its own equal to what a parse makes
    assert len(parses) == 1
    assert again is not first
    fresh, _ = AmazonStateLanguageParser.parse(definition)
    assert pickle.dumps(again) == pickle.dumps(fresh)


def test_a_changed_definition_is_parsed_anew_and_kept_beside_the_first(parses: list[str], tmp_path: Path) -> None:
    # GIVEN a definition kept
    definitions.program(machine("one"))
    # WHEN the definition changes (a template edited, another substitution)
    definitions.program(machine("two"))
    definitions.program(machine("two"))
    # THEN the new one was parsed once, and each is kept in the folder under its own content's key
    assert parses == [machine("one"), machine("two")]
    kept = {path.stem for path in (tmp_path / "asl").glob("*.pickle")}
    assert kept == {definitions.key_of(machine("one")), definitions.key_of(machine("two"))}


def test_another_process_reads_what_the_folder_keeps(parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a definition kept in the folder, and a process that has parsed nothing (an empty in-process cache)
    definitions.program(machine("one"))
    monkeypatch.setattr(definitions, "_programs", {})
    # WHEN it asks for the definition
    program = definitions.program(machine("one"))
    # THEN nothing was parsed again
    assert parses == [machine("one")]
    assert pickle.dumps(program) == pickle.dumps(AmazonStateLanguageParser.parse(machine("one"))[0])


def test_a_damaged_file_is_parsed_again_and_replaced(
    parses: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN a kept file damaged (a write cut short)
    definitions.program(machine("one"))
    path = tmp_path / "asl" / f"{definitions.key_of(machine('one'))}.pickle"
    path.write_bytes(path.read_bytes()[:100])
    monkeypatch.setattr(definitions, "_programs", {})
    # WHEN the definition is asked for
    definitions.program(machine("one"))
    # THEN it was parsed again and the file is whole again
    assert len(parses) == 2
    pickle.loads(path.read_bytes())


def test_a_folder_others_can_write_to_is_not_used(parses: list[str], tmp_path: Path) -> None:
    # GIVEN a cache folder any user may write to
    folder = tmp_path / "asl"
    folder.mkdir()
    os.chmod(folder, 0o777)  # the hazard under test
    # WHEN a definition is parsed
    definitions.program(machine("one"))
    # THEN nothing is written there (and nothing would be read from there)
    assert list(folder.iterdir()) == []
    assert definitions.cache_folder() is None


def test_without_a_folder_nothing_is_written(parses: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(definitions.CACHE_VARIABLE)
    assert definitions.cache_folder() is None
    definitions.program(machine("one"))
    definitions.program(machine("one"))
    assert len(parses) == 1  # kept in this process all the same


def test_an_invalid_definition_is_refused_as_moto_refuses_it_never_kept(parses: list[str], project: Project) -> None:
    # GIVEN a definition with a state type ASL does not have
    broken = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "NoSuchType"}}})
    with LocalEngine(project) as engine:
        sfn = engine.clients["stepfunctions"]
        # WHEN it is created, twice
        errors = []
        for _ in range(2):
            with pytest.raises(ClientError) as refused:
                sfn.create_state_machine(name="broken", definition=broken, roleArn=ROLE)
            errors.append(refused.value.response["Error"])
        # THEN it is refused each time with moto's own answer (its parser's message), parsed each time
        assert errors[0] == errors[1] and "mismatched input" in errors[0]["Message"], errors
        assert parses.count(broken) >= 2
        # AND a valid one is created and runs
        arn = sfn.create_state_machine(name="fine", definition=machine("ok"), roleArn=ROLE)["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, name="one", input="{}")["executionArn"]
        run = engine.wait(execution, deadline_s=30)
        assert (run.status, str(run.output)) == ("SUCCEEDED", "ok")
    assert definitions.key_of(broken) not in definitions._programs


def test_a_write_that_fails_leaves_no_part_written_file(
    parses: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a cache folder on a full disk: every write fails after its file was made
    real = tempfile.NamedTemporaryFile

    class FullDisk:
        def __init__(self, **options: Any) -> None:
            self.file = real(**options)
            self.name = self.file.name

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *_: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            self.file.write(data[:1024])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", FullDisk)
    # WHEN two runs' definitions are parsed
    definitions.program(machine("a"))
    definitions.program(machine("b"))
    # THEN both were parsed and nothing is left in the folder (each run left a part-written .tmp before)
    assert len(parses) == 2
    assert list((tmp_path / "asl").iterdir()) == []
