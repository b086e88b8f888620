"""Requests greenlight sends to a service and how their answers are read.

The bounded client (`client`), every failure named alike for it and the synthetic traffic's own client
(`answers`), where a request may go (`addresses`, `guard`), the caps on one answer
(`read_limits`), and what an expectation finds in it (`patterns`, `json_paths`, `assertions`, `bounded_json`).
Nothing is imported here: the config reads `read_limits` and `addresses` without loading the HTTP client.
"""
