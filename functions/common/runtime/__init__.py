"""What every function runs on, free of pydantic: the hooks import it on their cold-start path.

AWS clients and the CodeDeploy callback (`aws`), which AWS errors are AWS's (`aws_errors`), execution names
(`names`), logging and metrics (`observability`), closed sets of outcomes (`outcomes`), each function's
environment (`environment`), the one place a function waits (`clock`), EventBridge events (`events`), the lifecycle
table (`lifecycle`), the outage policy (`outage`) and what the local engine signals (`standin_signals`).
tests/functions/common/runtime/test_cold_start.py checks that importing it, and the hooks, loads no pydantic.
"""
