"""Printable agendas: one sheet per participant, one per table and day, and the whole grid.

Owns: `sheets` (everything the print pages show, as frozen dataclasses, in a few queries per
version). May import: models, `app.services.agenda`. Read-only: nothing here writes.
"""

from app.services.printing.sheets import (
    ParticipantSheet,
    PrintHeader,
    SheetDay,
    SheetItem,
    TableLine,
    grid_pages,
    header,
    participant_sheet,
    participant_sheets,
    published_version,
    split_columns,
    table_sheets,
)

__all__ = [
    "ParticipantSheet",
    "PrintHeader",
    "SheetDay",
    "SheetItem",
    "TableLine",
    "grid_pages",
    "header",
    "participant_sheet",
    "participant_sheets",
    "published_version",
    "split_columns",
    "table_sheets",
]
