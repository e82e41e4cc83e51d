"""Imports of companies and buyers, and exports of applications, requests and agendas.

Owns: `imports` (CSV/XLSX read by `app.matching.tabular`, all-or-nothing with a dry run) and
`exports` (CSV and XLSX). May import: `accounts`, `sourcing`, `agenda` (the published agenda),
`audit`. Nothing below imports it.

The names below are the ones the import and export pages use.
"""

from app.services.transfers.exports import (
    agenda_rows,
    application_rows,
    request_rows,
    to_csv,
    to_xlsx,
)
from app.services.transfers.imports import KINDS, error_message, import_rows, read

__all__ = [
    "KINDS",
    "agenda_rows",
    "application_rows",
    "error_message",
    "import_rows",
    "read",
    "request_rows",
    "to_csv",
    "to_xlsx",
]
