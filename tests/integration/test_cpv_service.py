"""CPV reference in the database: CLI import (upsert, all-or-nothing), code resolution."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import AuditEntry, CpvCode
from app.services.sourcing import cpv
from tests.sourcing_helpers import CPV_SMALL, SHARED_CPV, load_small_cpv


def _count() -> int:
    return len(db.session.execute(db.select(CpvCode)).scalars().all())


def test_cpv_import_cli_loads_the_small_fixture(app):
    result = app.test_cli_runner().invoke(args=["cpv", "import", str(CPV_SMALL)])
    assert result.exit_code == 0, result.output
    assert "13 codes CPV\u202f: 13 ajoutés, 0 mis à jour, 0 inchangés." in result.output
    assert _count() == 13
    row = db.session.get(CpvCode, "45233221")
    assert (row.check_digit, row.label_fr, row.label_en) == (
        "4",
        "Travaux de marquage routier",
        "Road-surface painting work",
    )


def test_cpv_import_cli_upserts_changed_labels(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["cpv", "import", str(CPV_SMALL)])
    changed = tmp_path / "cpv.csv"
    changed.write_text(
        "CODE;FR;EN\n45233221-4;Marquage routier (nouveau);Road marking\n99999999-1;Essai;Test\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["cpv", "import", str(changed)])
    assert result.exit_code == 0, result.output
    assert "2 codes CPV\u202f: 1 ajoutés, 1 mis à jour, 0 inchangés." in result.output
    db.session.expire_all()
    assert db.session.get(CpvCode, "45233221").label_fr == "Marquage routier (nouveau)"
    assert _count() == 14


def test_cpv_import_cli_bad_lines_exit_1_with_every_error_and_write_nothing(app, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "CODE,FR,EN\n45233221-4,Marquage,Marking\n4523322X,Mauvais,Bad\n45100000-8,,Site\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["cpv", "import", str(bad)])
    assert result.exit_code == 1
    assert (
        "bad.csv\u202f: ligne 3, colonne CODE\u202f: « 4523322X » n'est pas un code CPV"
        in result.output
    )
    assert "bad.csv\u202f: ligne 4, colonne FR\u202f: libellé vide" in result.output
    assert "2 erreur(s)\u202f: rien n'a été importé." in result.output
    assert _count() == 0


def test_cpv_import_cli_reads_xlsx(app, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CODE", "FR", "EN", "DE"])
    sheet.append(["34993000-4", "Éclairage public", "Street lighting", "Straßenbeleuchtung"])
    path = tmp_path / "cpv.xlsx"
    book.save(path)
    result = app.test_cli_runner().invoke(args=["cpv", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.get(CpvCode, "34993000").label_en == "Street lighting"


def test_cpv_import_cli_loads_the_shared_official_list(app):
    if not SHARED_CPV.exists():
        pytest.skip("../shared/data/cpv_2008.csv is not available")
    result = app.test_cli_runner().invoke(args=["cpv", "import", str(SHARED_CPV)])
    assert result.exit_code == 0, result.output
    assert _count() == 9454
    assert db.session.get(CpvCode, "45233221").check_digit == "4"


def test_resolve_codes_accepts_known_codes_and_names_the_unknown(app):
    load_small_cpv()
    resolved = cpv.resolve_codes("45233221-4, 34993000 ;45233221 12345678 4523 45233221-9")
    assert [c.code for c in resolved.codes] == ["45233221", "34993000"]
    assert resolved.unknown == ("12345678", "4523", "45233221-9")


def test_search_finds_by_word_without_accents_and_by_code_prefix(app):
    load_small_cpv()
    assert [c.code for c in cpv.search("eclairage")] == ["34993000", "50232000"]
    assert [c.code for c in cpv.search("4523322")] == ["45233220", "45233221"]
    assert _count() == 13
    assert db.session.execute(db.select(AuditEntry)).first() is None
