"""A Parallel's branch that raises once its execution is stopped still tells the Parallel it ended (patches/
stepfunctions.py): moto's worker did not, and the stopped execution stayed RUNNING, waiting for it."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import BranchWorker
from moto.stepfunctions.parser.asl.eval.program_state import ProgramRunning, ProgramStopped

from greenlight.engine.patches import apply


class Comm(BranchWorker.BranchWorkerComm):
    def __init__(self) -> None:
        self.ended = threading.Event()

    def on_terminated(self, env: Any) -> None:
        self.ended.set()


class RaisingProgram:
    """Raises as moto's program did when the branch moved on after its execution was stopped."""

    def eval(self, env: Any) -> None:
        raise RuntimeError("Could not set NextState value when in state ProgramStopped")


class Env:
    def __init__(self, state: Any) -> None:
        self.state = state

    def program_state(self) -> Any:
        return self.state


def run_branch(state: Any) -> Comm:
    apply()
    comm = Comm()
    worker = BranchWorker(comm, RaisingProgram(), Env(state))  # type: ignore[arg-type]
    errors: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)  # type: ignore[arg-type]
    try:
        worker.start()
        assert worker._worker_thread is not None
        worker._worker_thread.join(5)
    finally:
        threading.excepthook = previous
    comm.errors = errors  # type: ignore[attr-defined]
    return comm


def test_a_branch_of_a_stopped_execution_that_raises_still_tells_its_parallel() -> None:
    stopped = ProgramStopped(stop_date=datetime.datetime.now(), error=None, cause=None)
    comm = run_branch(stopped)
    assert comm.ended.is_set()
    assert comm.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("state", [ProgramRunning()])
def test_any_other_error_of_a_branch_is_raised_as_before(state: Any) -> None:
    comm = run_branch(state)
    assert not comm.ended.is_set()
    assert [type(error) for error in comm.errors] == [RuntimeError]  # type: ignore[attr-defined]
