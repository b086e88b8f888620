"""Sample services for the demo and the tests: a JSON API whose release can be good or bad, and its custom check."""
