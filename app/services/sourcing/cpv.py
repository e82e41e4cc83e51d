"""CPV reference in the database: import (upsert), validation of typed codes, autocomplete."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func

from app.extensions import db
from app.matching import cpv as core
from app.models import CpvCode


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


def import_reference(reference: core.CpvReference) -> ImportCounts:
    """Upsert every code of an already validated reference into `cpv_codes` (flush only).

    The core parser refuses the whole file on any bad line, so the caller either gets here
    with a complete, valid list or writes nothing.
    """
    existing = {row.code: row for row in db.session.execute(db.select(CpvCode)).scalars()}
    created = updated = unchanged = 0
    for entry in reference.codes:
        row = existing.get(entry.code)
        if row is None:
            db.session.add(
                CpvCode(
                    code=entry.code,
                    check_digit=entry.check_digit,
                    label_fr=entry.label_fr,
                    label_en=entry.label_en,
                )
            )
            created += 1
            continue
        values = (entry.check_digit, entry.label_fr, entry.label_en)
        if (row.check_digit, row.label_fr, row.label_en) == values:
            unchanged += 1
            continue
        row.check_digit, row.label_fr, row.label_en = values
        updated += 1
    db.session.flush()
    return ImportCounts(created, updated, unchanged)


# The autocomplete searches the core's in-memory reference (accent-folded prefixes, which SQL
# cannot do portably). It is rebuilt when the table's fingerprint changes, so an import run by
# the CLI in another process is seen by the web process at its next search.
_cache: dict[str, object] = {}


def _fingerprint() -> tuple[int, int]:
    stmt = db.select(
        func.count(CpvCode.code),
        func.coalesce(func.sum(func.length(CpvCode.label_fr) + func.length(CpvCode.label_en)), 0),
    )
    count, size = db.session.execute(stmt).one()
    return int(count), int(size)


def reference() -> core.CpvReference:
    """The table as a core `CpvReference` (cached until the table changes)."""
    key = (str(db.engine.url), _fingerprint())
    if _cache.get("key") != key:
        rows = db.session.execute(db.select(CpvCode).order_by(CpvCode.code)).scalars()
        _cache["reference"] = core.CpvReference(
            tuple(core.CpvCode(r.code, r.check_digit, r.label_fr, r.label_en) for r in rows)
        )
        _cache["key"] = key
    ref = _cache["reference"]
    assert isinstance(ref, core.CpvReference)
    return ref


def search(query: str, lang: str = "fr", limit: int = 10) -> list[core.CpvCode]:
    """Autocomplete over codes and labels of the imported list."""
    return reference().search(query, "en" if lang == "en" else "fr", limit)


SEPARATORS = re.compile(r"[,;\s]+")


def split_codes(text: str) -> list[str]:
    """Tokens of a field listing codes separated by spaces, commas or semicolons.

    A check digit typed with spaces around its dash ('45233221 - 4') is glued back first.
    """
    compact = re.sub(r"\s*-\s*", "-", text.strip())
    return [t for t in SEPARATORS.split(compact) if t]


@dataclass(frozen=True)
class ResolvedCodes:
    codes: tuple[CpvCode, ...]
    unknown: tuple[str, ...]


def resolve_codes(text: str) -> ResolvedCodes:
    """Rows of the codes typed in `text` (membership in the table), and the tokens that are
    not codes of the list (malformed, unknown, or with a wrong check digit)."""
    codes: list[CpvCode] = []
    unknown: list[str] = []
    for token in split_codes(text):
        try:
            code, check = core.normalize_code(token)
        except core.CpvError:
            unknown.append(token)
            continue
        row = db.session.get(CpvCode, code)
        if row is None or (check is not None and row.check_digit not in (None, check)):
            unknown.append(token)
        elif row not in codes:
            codes.append(row)
    return ResolvedCodes(tuple(codes), tuple(unknown))


def codes_text(rows: list[CpvCode]) -> str:
    """How a list of codes is shown in a text input: '45233221-4, 34993000-4'."""
    return ", ".join(f"{r.code}-{r.check_digit}" if r.check_digit else r.code for r in rows)
