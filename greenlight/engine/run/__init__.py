"""Running a workflow: the embedded engine, a local run, what it returns, and what it changes in the process."""
