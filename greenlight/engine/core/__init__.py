"""The engine's process-wide foundations, below every other part of it: the running engine's settings the moto
patches read (`context`), botocore's service models read once for the whole process (`botocore_models`), a local
run's lifetime and the threads running its handlers (`lifetime`), and what a run changes in the process and undoes
(`process`)."""
