"""Flask-free scheduling engine: instance/result types, CP-SAT model, validator, CLI."""
