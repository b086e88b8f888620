"""Shared code of every greenlight function, a package per job: `config` (the model, its loading, every validation's
section), `http` (requests to a service and reading their answers), `payload` (what crosses a state boundary),
`runtime` (what every function runs on, free of pydantic), `ecs` (Amazon ECS) and `secrets`."""
