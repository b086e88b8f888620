"""`greenlight report`: a verdict as one self-contained HTML page with charts (used by the CLI only)."""
