"""Sourcing: buyers' needs, companies' profiles and applications, buyers' answers, explained
scores, selection, and the CPV reference.

Owns: `needs`, `applications`, `answers`, `scoring` (ORM ↔ `app.matching`), `selection`
(ranked applications, selection runs, workshops), `cpv`. May import: models, the Flask-free
`app.matching` core, `app.services.audit`, `app.services.accounts`, `app.services.setup`.
Never imports `agenda`, `mail` or `transfers`. Routes import its modules directly.
"""
