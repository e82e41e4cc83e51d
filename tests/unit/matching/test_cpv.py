"""CPV reference: parsing with line/column errors, normalisation, hierarchy and search."""

from pathlib import Path

import openpyxl
import pytest

from app.matching.cpv import (
    CpvCheckDigitMismatch,
    CpvCode,
    InvalidCpvCode,
    UnknownCpvCode,
    common_level,
    level_name,
    load_cpv,
    normalize_code,
    parse_cpv_csv,
    parse_cpv_xlsx,
)
from app.matching.errors import FileImportError

DATA = Path(__file__).resolve().parent / "data"
# The repo's sibling folder shared/ (tests/unit/matching -> repo root is parents[3]).
SHARED_CPV = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "cpv_2008.csv"


@pytest.fixture(scope="module")
def small():
    return load_cpv(DATA / "cpv_small.csv")


def test_load_cpv_fixture_skips_blank_line_and_keeps_order(small):
    assert len(small) == 13
    assert small.codes[0] == CpvCode(
        "45000000", "7", "Travaux de construction", "Construction work"
    )
    assert small.codes[-1].code == "90910000"


def test_cpv_code_hierarchy_derived_from_prefix(small):
    code = small.get("45233221")
    assert code is not None
    assert (code.division, code.group, code.class_, code.category) == ("45", "452", "4523", "45233")
    assert code.level == 8
    assert code.full_code == "45233221-4"
    assert [
        small.get(c).level
        for c in ("45000000", "45200000", "45230000", "45233000", "45233200", "45233220")
    ] == [2, 3, 4, 5, 6, 7]


def test_level_name_maps_depths():
    assert [level_name(n) for n in range(2, 9)] == [
        "division",
        "group",
        "class",
        "category",
        "subcategory",
        "subcategory",
        "subcategory",
    ]


def test_common_level_is_deepest_shared_level():
    assert common_level("45233221", "45233221-4") == 8
    assert common_level("45233221", "45233000") == 5
    assert common_level("45233221", "45231000") == 4
    assert common_level("45200000", "45230000") == 3
    assert common_level("45200000", "45200000") == 3  # padding zeros are not shared depth
    assert common_level("45100000", "45200000") == 2
    assert common_level("45233221", "34922100") == 0
    assert common_level("30000000", "30200000") == 2  # one-digit division padded to two


def test_normalize_code_accepts_user_spellings():
    assert normalize_code("45233221") == ("45233221", None)
    assert normalize_code(" 45233221-4 ") == ("45233221", "4")
    assert normalize_code("45 23 32 21 - 4") == ("45233221", "4")
    assert normalize_code("45.23.32.21") == ("45233221", None)


@pytest.mark.parametrize("text", ["4523A", "452332211", "45233221-", "45233221-44", ""])
def test_normalize_code_rejects_malformed(text):
    with pytest.raises(InvalidCpvCode):
        normalize_code(text)


def test_resolve_validates_by_membership_and_check_digit(small):
    assert small.resolve("45233221").code == "45233221"
    assert small.resolve("45233221-4").label_en == "Road-surface painting work"
    with pytest.raises(UnknownCpvCode):
        small.resolve("45233222")
    with pytest.raises(CpvCheckDigitMismatch) as info:
        small.resolve("45233221-5")
    assert info.value.expected == "45233221-4"
    assert "45233221" in small and "45233222" not in small


def test_parse_cpv_csv_collects_all_errors_with_line_and_column():
    data = (
        "CODE,FR,EN\n"
        "45000000-7,Travaux de construction,Construction work\n"
        "4523A,Libellé,Label\n"
        "45200000-9,,Works\n"
        "45000000-7,Doublon,Duplicate\n"
    ).encode()
    with pytest.raises(FileImportError) as info:
        parse_cpv_csv(data, "cpv.csv")
    assert info.value.messages("en") == [
        "cpv.csv: line 3, column CODE: '4523A' is not a CPV code",
        "cpv.csv: line 4, column FR: empty label",
        "cpv.csv: line 5, column CODE: code 45000000 already appears on line 2",
    ]
    assert info.value.messages("fr")[0] == (
        "cpv.csv\u202f: ligne 3, colonne CODE\u202f: « 4523A » n'est pas un code CPV"
    )


def test_parse_cpv_csv_reports_missing_header_columns():
    with pytest.raises(FileImportError) as info:
        parse_cpv_csv(b"CODE;LIBELLE\n45000000-7;Travaux\n", "x.csv")
    assert info.value.messages("en") == [
        "x.csv: line 1, column FR: column missing from the header",
        "x.csv: line 1, column EN: column missing from the header",
    ]


def test_parse_cpv_csv_reads_bom_semicolon_and_windows_1252():
    data = "CODE;FR;EN\r\n34993000-4;Éclairage public;Street lighting\r\n".encode("cp1252")
    ref = parse_cpv_csv(b"\xef\xbb\xbf" + "CODE;FR;EN\n34993000-4;Éclairage public;X\n".encode())
    assert ref.get("34993000").label_fr == "Éclairage public"
    assert parse_cpv_csv(data).get("34993000").label_fr == "Éclairage public"


def test_parse_cpv_xlsx_finds_columns_among_other_languages():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CODE", "DE", "EN", "FR"])
    sheet.append(
        [
            "45233221-4",
            "Straßenmarkierungsarbeiten",
            "Road-surface painting work",
            "Travaux de marquage routier",
        ]
    )
    sheet.append(["9999", "x", "y", "z"])
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileImportError) as info:
        parse_cpv_xlsx(buffer.getvalue(), "cpv.xlsx")
    assert info.value.messages("en") == ["cpv.xlsx: line 3, column CODE: '9999' is not a CPV code"]
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    ref = parse_cpv_xlsx(buffer.getvalue())
    assert ref.codes == (
        CpvCode("45233221", "4", "Travaux de marquage routier", "Road-surface painting work"),
    )


def test_search_matches_label_words_accent_insensitively(small):
    assert [c.code for c in small.search("eclairage")] == ["34993000", "50232000"]
    assert [c.code for c in small.search("ÉCLAIRAGE pub", limit=1)] == ["34993000"]
    assert [c.code for c in small.search("marquage")] == ["34922100", "45233221"]
    # exact word 'road' first (by level), then labels with 'roads'
    assert [c.code for c in small.search("road", lang="en")] == [
        "34922100",
        "45233221",
        "45230000",
        "45233000",
        "45233220",
    ]


def test_search_by_code_prefix_orders_broad_codes_first(small):
    assert [c.code for c in small.search("45233")] == [
        "45233000",
        "45233200",
        "45233220",
        "45233221",
    ]
    assert [c.code for c in small.search("45233221-4")] == ["45233221"]
    assert [c.code for c in small.search("4523 marquage")] == ["45233221"]
    assert small.search("   ") == []


@pytest.mark.skipif(
    not SHARED_CPV.exists(), reason="shared/data/cpv_2008.csv is not beside the repo"
)
def test_load_cpv_shared_file_has_every_code():
    ref = load_cpv(SHARED_CPV)
    assert len(ref) == 9454
    assert ref.resolve("45233221-4").label_fr == "Travaux de marquage routier"
    assert sum(1 for c in ref.codes if c.level == 2) == 45
    assert [c.full_code for c in ref.search("marquage routier", limit=3)] == [
        "34922000-6",
        "44811000-8",
        "34922100-7",
    ]
