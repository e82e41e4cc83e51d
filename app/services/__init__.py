"""Services: the only code that speaks both ORM and core. They flush; callers commit.

One package per domain, in floors (docs/ARCHITECTURE.md); a package imports only lower floors:
`audit` (0); `accounts`, `setup` (1); `sourcing` (2); `agenda` (3); `calendars`, `printing`
(4); `mail`, `transfers` (5); `dashboards`, `worker`, `demo` (6). Publication reaches the mail
through the `agenda.schedules.version_published` signal, never by an import from the agenda.
`tests/unit/test_import_cycles.py` fails on a cycle.
"""
