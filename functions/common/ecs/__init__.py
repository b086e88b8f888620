"""Amazon ECS as greenlight meets it, free of pydantic (the ECS hooks' cold start): what DescribeServiceDeployments
says (`deployment`), a pause hook (`pause_hook`) and the answer to it (`continuation`). Its lifecycle stages are in
the lifecycle table, beside CodeDeploy's events (common.runtime.lifecycle)."""
