"""Run an AWS CLI command line through awscli's own argument processing, offline.

`python -m tests.support.awscli_offline deploy create-deployment ...` parses the arguments exactly as `aws` does
(shorthand syntax, `file://` parameters, `--cli-input-json`), then prints the API parameters it would send as JSON
instead of creating a client: nothing reaches AWS. A high-level command (`cloudformation deploy`, a waiter) prints the
arguments it parsed instead of running. The exit status is the CLI's own (non-zero for a bad argument).

Run it in a subprocess only: importing awscli installs an import hook that makes `import botocore` load the copy
awscli vendors, which must not leak into a test process that uses boto3.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def offline_env(home: Path) -> dict[str, str]:
    """The environment of a subprocess that runs the AWS CLI offline: HOME in `home`, no config or credentials file
    (none of the user's profiles or keys can be read), and a region, so that nothing needs either."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def main(argv: list[str]) -> int:
    from awscli import clidriver
    from awscli.customizations import waiters
    from awscli.customizations.commands import BasicCommand

    def capture(
        self: Any, service_name: str, operation_name: str, parameters: dict[str, Any], parsed_globals: Any
    ) -> int:
        print(json.dumps({"service": service_name, "operation": operation_name, "parameters": parameters}))
        return 0

    # The last step before a client is created and called: every argument is parsed and unpacked by then.
    clidriver.CLIOperationCaller.invoke = capture
    waiters.WaiterCaller.invoke = capture  # `aws <service> wait <state>`: the waiter's operation, not polled

    def run_custom(self: Any, parsed_args: Any, parsed_globals: Any) -> int:
        """A high-level command (cloudformation deploy, a waiter): its arguments parsed, nothing run."""
        arguments = {key: value for key, value in vars(parsed_args).items() if value is not None}
        service, *_, operation = self.lineage_names
        print(json.dumps({"service": service, "operation": operation, "parameters": arguments}, default=str))
        return 0

    parse = BasicCommand.__call__

    def parse_only(self: Any, args: Any, parsed_globals: Any) -> int:
        self._run_main = run_custom.__get__(self)  # each command class has its own _run_main: shadow it here
        return int(parse(self, args, parsed_globals))

    BasicCommand.__call__ = parse_only
    return int(clidriver.create_clidriver().main(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
