"""Running a workflow: the embedded engine and what it deploys, a local run with its options and config, following an
execution, what a run returns, and Amazon ECS invoking its Lambda hook or opening a pause hook as a deployment goes."""
