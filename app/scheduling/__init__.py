"""Flask-free scheduling engine: instance/result types, CP-SAT model, validator, CLI.

Modules: `types` (frozen dataclasses of the file contract), `io` (reading and
writing instance and result files, `InstanceError`), `validate` (the
solver-independent specification), `greedy` (first-fit baseline), `model`,
`tables`, `bounds` (CP-SAT solve), `explain` (reasons, infeasibility pre-check),
`engine` (`schedule`, `reoptimize`, `lock_meetings`, `SolverBug`), `cli`.
See docs/MODEL.md.
"""
