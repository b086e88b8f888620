"""Secret header values: which a config layer may name (`scope`), reading them through a session scoped to the
group (`reader`), resolving a check's headers (`values`), and cutting them out of every report (`redact`)."""
