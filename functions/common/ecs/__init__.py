"""Amazon ECS as greenlight meets it, free of pydantic (the ECS hooks' cold start): its lifecycle stages
(`stages`), what DescribeServiceDeployments says (`deployment`), a pause hook (`pause_hook`) and the answer to it
(`continuation`)."""
