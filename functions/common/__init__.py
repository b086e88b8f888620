"""Shared code of every greenlight function: models, config, AWS helpers, observability."""
