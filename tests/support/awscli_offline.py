"""Run an AWS CLI command line through awscli's own argument processing, offline.

`python -m tests.support.awscli_offline deploy create-deployment ...` parses the arguments exactly as `aws` does
(shorthand syntax, `file://` parameters, `--cli-input-json`), then prints the API parameters it would send as JSON
instead of creating a client: nothing reaches AWS. The exit status is the CLI's own (non-zero for a bad argument).

Run it in a subprocess only: importing awscli installs an import hook that makes `import botocore` load the copy
awscli vendors, which must not leak into a test process that uses boto3.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def main(argv: list[str]) -> int:
    from awscli import clidriver

    def capture(
        self: Any, service_name: str, operation_name: str, parameters: dict[str, Any], parsed_globals: Any
    ) -> int:
        print(json.dumps({"service": service_name, "operation": operation_name, "parameters": parameters}))
        return 0

    # The last step before a client is created and called: every argument is parsed and unpacked by then.
    clidriver.CLIOperationCaller.invoke = capture
    return int(clidriver.create_clidriver().main(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
