"""The Step Functions API, where moto's differs: MockConfigFile test cases (`arn:...:stateMachine:<name>#<Case>`,
whose loader moto stubs), StopExecution's stopDate, StopExecution right after StartExecution, and an execution's
output as JSON text."""

from __future__ import annotations

import threading
import time
from typing import Any

from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import BranchWorker
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from greenlight.engine.core import context
from greenlight.engine.interface import MockConfigError
from greenlight.engine.patches.mock_config import load_test_case
from greenlight.engine.patches.originals import ORIGINALS, PatchList

# The test case of the execution this thread is starting, handed from start_execution to its worker.
_STARTING = threading.local()


def start_execution(self: StepFunctionsParserBackend, state_machine_arn: str, *args: Any, **kwargs: Any) -> Any:
    if "#" not in state_machine_arn:
        return ORIGINALS["start_execution"](self, state_machine_arn, *args, **kwargs)
    arn, case = state_machine_arn.split("#", 1)
    engine = context.current()
    if engine is None or not engine.mock_config:
        raise MockConfigError("an ARN ending in #<case> needs a mock config (--mock-config FILE#Case)")
    _STARTING.mock_test_case = load_test_case(engine.mock_config, arn.rsplit(":", 1)[1], case)
    try:
        return ORIGINALS["start_execution"](self, arn, *args, **kwargs)
    finally:
        _STARTING.mock_test_case = None


def execution_worker(self: Execution) -> Any:
    worker = ORIGINALS["execution_worker"](self)
    pending = getattr(_STARTING, "mock_test_case", None)
    if pending is not None:
        worker._mock_test_case = pending
    return worker


# How long StopExecution waits for a just-started execution's worker thread to set up (AWS stops it at once).
WORKER_START_WAIT_S = 10.0


def stop_execution(self: Execution, stop_date: Any, error: str | None, cause: str | None) -> None:
    """StopExecution answers with its stopDate (a required member); moto sets it later, on the worker thread. moto's
    worker makes its environment on its own thread, so a stop right after the start (a loaded machine) found none and
    raised AttributeError: wait for it, a bounded time."""
    self.stop_date = stop_date
    worker = self.exec_worker
    deadline = time.monotonic() + WORKER_START_WAIT_S
    while worker is not None and worker.env is None and time.monotonic() < deadline:
        time.sleep(0.01)
    ORIGINALS["execution_stop"](self, stop_date, error, cause)


def output_as_json(execution: Execution) -> None:
    """DescribeExecution's `output` is the result as JSON text (botocore: SensitiveData, a string), as AWS gives it:
    moto passes a string result on unquoted (`done`, not `"done"`) and fails on a timestamp in the result (an
    aws-sdk task's `CreationDate`). Called once the execution has ended (patches/progress.py)."""
    if execution.output is not None and not getattr(execution, "greenlight_output_is_json", False):  # once
        execution.output = to_json_str(execution.output, separators=(",", ":"))
        execution.greenlight_output_is_json = True


def branch_routine(self: BranchWorker) -> None:
    """A branch of a stopped execution still tells its Parallel that it ended. moto's branch worker raised
    (`RuntimeError: Could not set NextState value when in state ProgramStopped`) when the execution was stopped as the
    branch moved on, and never told its Parallel, which waited for it forever: the stopped execution stayed RUNNING
    (the fault matrices' workflow-aborted rows, now and then). Any other error is raised as before."""
    try:
        ORIGINALS["branch_routine"](self)
    except Exception:
        if not isinstance(self.env.program_state(), ProgramStopped):
            raise
        self._branch_worker_comm.on_terminated(env=self.env)


PATCHES: PatchList = [
    (StepFunctionsParserBackend, "start_execution", start_execution),
    (Execution, "_get_start_execution_worker", execution_worker),
    (Execution, "stop", stop_execution),
    (BranchWorker, "_thread_routine", branch_routine),
]
