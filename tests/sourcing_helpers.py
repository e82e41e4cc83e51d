"""Shared data for the sourcing tests: the small CPV fixture loaded into the table."""

from __future__ import annotations

from pathlib import Path

from app.extensions import db
from app.matching.cpv import load_cpv
from app.services.sourcing import cpv

CPV_SMALL = Path(__file__).resolve().parent / "unit" / "matching" / "data" / "cpv_small.csv"
SHARED_CPV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cpv_2008.csv"


def load_small_cpv() -> None:
    cpv.import_reference(load_cpv(CPV_SMALL))
    db.session.commit()
