"""Flask-free matching core: scores company ↔ buyer/need pairs with explanations.

Modules: `cpv` (CPV reference), `text` (French TF-IDF), `score` (explainable scores and
suggestions), `selection` (CP-SAT selection run), `tabular` (CSV/XLSX import dry run),
`i18n` and `errors` (messages, domain errors). See docs/MATCHING.md.
"""
