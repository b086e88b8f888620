"""What crosses a boundary, as pydantic models, and the limits that keep it small.

The state payloads (`models`, with Amazon ECS's additions in `ecs`), Step Functions' payload limits (`limits`), what
every validator returns (`validation`), the custom check contract (`check_contract`) and the EventBridge events
(`notifications`).
"""
