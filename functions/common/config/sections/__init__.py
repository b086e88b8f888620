"""The config sections of validations added by `greenlight new-validation`, one module each."""
