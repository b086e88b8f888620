"""greenlight: the CLI and the embedded local engine (never shipped to Lambda)."""
