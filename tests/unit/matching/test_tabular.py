"""Tabular imports: every error with its line and column, encodings, delimiters, XLSX."""

import io
from pathlib import Path

import openpyxl
import pytest

from app.matching.cpv import load_cpv
from app.matching.errors import FileImportError
from app.matching.score import Size
from app.matching.tabular import (
    CellError,
    Column,
    buyer_columns,
    company_columns,
    read_csv,
    read_table,
    validate_boolean,
    validate_departement,
    validate_size,
)

CPV = load_cpv(Path(__file__).resolve().parent / "data" / "cpv_small.csv")
COLUMNS = company_columns(CPV)
SIRET_A, SIRET_B, SIRET_C = "73282932000074", "55210055400013", "54206547900017"


def csv_bytes(lines, encoding="utf-8", delimiter=";"):
    return "\r\n".join(delimiter.join(cells) for cells in lines).encode(encoding)


HEADER = ["Nom", "SIRET", "E-mail", "Taille", "ESS", "SIAE", "Département", "CPV", "Offre"]


def test_read_csv_semicolon_windows_1252_parses_every_column():
    data = csv_bytes(
        [
            HEADER,
            [
                "Lumiroute",
                "732 829 320 00074",
                "Contact@Lumiroute.fr",
                "PME",
                "oui",
                "",
                "69",
                "45233221-4, 34922100",
                "Marquage au sol LED",
            ],
            ["", "", "", "", "", "", "", "", ""],
            ["Élan Propreté", SIRET_B, "elan@exemple.fr", "micro", "non", "x", "1", "", ""],
        ],
        encoding="cp1252",
    )
    report = read_table(data, "entreprises.csv", COLUMNS)
    assert report.ok and (report.encoding, report.delimiter) == ("cp1252", ";")
    assert [r.line for r in report.rows] == [2, 4]
    assert report.rows[0].values == {
        "Nom": "Lumiroute",
        "SIRET": SIRET_A,
        "E-mail": "Contact@lumiroute.fr",
        "Taille": Size.PME,
        "ESS": True,
        "SIAE": None,
        "Département": "69",
        "CPV": ("45233221", "34922100"),
        "Offre": "Marquage au sol LED",
    }
    assert report.rows[1].values["Nom"] == "Élan Propreté"
    assert report.rows[1].values["Département"] == "01"
    assert report.rows[1].values["SIAE"] is True


def test_read_csv_collects_all_errors_with_line_and_column_in_french():
    data = csv_bytes(
        [
            HEADER,
            ["A", SIRET_A, "a@exemple.fr", "PME", "", "", "", "", ""],
            ["B", "12345678901234", "pas-un-mail", "moyenne", "peut-être", "", "20", "", ""],
            ["", SIRET_B, "c@exemple.fr", "", "", "", "", "4523A 99999999 45233221-5", ""],
            ["D", SIRET_A, "A@exemple.fr", "", "", "", "2a", "", ""],
        ]
    )
    report = read_csv(data, COLUMNS, "entreprises.csv")
    assert report.rows == ()
    assert report.messages() == [
        "ligne 3, colonne SIRET\u202f: numéro SIRET invalide",
        "ligne 3, colonne E-mail\u202f: adresse électronique invalide",
        "ligne 3, colonne Taille\u202f: catégorie d'entreprise inconnue « moyenne » "
        "(attendu\u202f: micro, PME, ETI ou GE)",
        "ligne 3, colonne ESS\u202f: « peut-être » n'est ni oui ni non",
        "ligne 3, colonne Département\u202f: département inconnu « 20 »",
        "ligne 4, colonne Nom\u202f: valeur obligatoire manquante",
        "ligne 4, colonne CPV\u202f: le chiffre de contrôle de « 45233221-5 » ne correspond pas "
        "à la nomenclature (45233221-4)",
        "ligne 5, colonne SIRET\u202f: doublon de la ligne 2",
        "ligne 5, colonne E-mail\u202f: doublon de la ligne 2",
    ]
    assert report.messages("en", with_source=True)[0] == (
        "entreprises.csv: line 3, column SIRET: invalid SIRET number"
    )
    with pytest.raises(FileImportError) as info:
        report.raise_for_errors()
    assert len(info.value.errors) == 9


def test_read_csv_unknown_cpv_codes_are_listed_together():
    data = csv_bytes([[*HEADER[:3], "CPV"], ["A", SIRET_A, "a@exemple.fr", "4523A | 99999999"]])
    assert read_csv(data, COLUMNS).messages() == [
        "ligne 2, colonne CPV\u202f: code CPV inconnu « 4523A, 99999999 »"
    ]


def test_read_csv_bom_comma_and_header_aliases():
    data = b"\xef\xbb\xbf" + csv_bytes(
        [
            ["Raison sociale", "siret", "Courriel", "Codes CPV"],
            ["Voirie SA", SIRET_C, "v@exemple.fr", '"45233221 34922100"'],
        ],
        delimiter=",",
    )
    report = read_csv(data, COLUMNS)
    assert report.ok and (report.encoding, report.delimiter) == ("utf-8", ",")
    assert report.rows[0].values["Nom"] == "Voirie SA"
    assert report.rows[0].values["CPV"] == ("45233221", "34922100")


def test_read_csv_missing_required_columns_reported_on_header_line():
    report = read_csv(csv_bytes([["Nom", "Téléphone"], ["A", "01"]]), COLUMNS)
    assert report.messages() == [
        "ligne 1, colonne SIRET\u202f: colonne obligatoire absente de l'en-tête",
        "ligne 1, colonne E-mail\u202f: colonne obligatoire absente de l'en-tête",
    ]


def test_read_csv_multiline_cell_counts_as_one_spreadsheet_row():
    data = csv_bytes(
        [
            [*HEADER[:3], "Offre"],
            ["A", SIRET_A, "a@exemple.fr", '"ligne 1\nligne 2"'],
            ["B", "123", "b@exemple.fr", ""],
        ]
    )
    assert read_csv(data, COLUMNS).messages() == [
        "ligne 3, colonne SIRET\u202f: numéro SIRET invalide"
    ]


def test_read_csv_undecodable_and_empty_files_give_clear_errors():
    assert read_csv(b"Nom;SIRET\r\n\x81\x8d\x8f", COLUMNS).messages() == [
        "ligne 1, colonne Nom\u202f: le fichier n'est ni en UTF-8 "
        "ni en Windows-1252 (Latin-1)\u202f; "
        "enregistrez-le au format « CSV UTF-8 »"
    ]
    assert read_csv(b"\r\n", COLUMNS).messages() == [
        "ligne 1, colonne Nom\u202f: le fichier est vide"
    ]


def test_read_table_xlsx_numbers_and_row_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "SIRET", "E-mail", "Département"])
    sheet.append(["Ville de Lyon", int(SIRET_A), "achats@lyon.fr", 69])
    sheet.append([None, None, None, None])
    sheet.append(["Ville d'Ain", int(SIRET_A), "ain@exemple.fr", 1.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = read_table(buffer.getvalue(), "uploads/acheteurs.XLSX", buyer_columns())
    assert report.source == "acheteurs.XLSX"
    assert report.messages() == ["ligne 4, colonne SIRET\u202f: doublon de la ligne 2"]
    sheet.delete_rows(4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = read_table(buffer.getvalue(), "acheteurs.xlsx", buyer_columns())
    assert [(r.line, r.values["SIRET"], r.values["Département"]) for r in report.rows] == [
        (2, SIRET_A, "69")
    ]


def test_read_table_corrupt_xlsx_is_reported():
    report = read_table(b"not a zip", "x.xlsx", buyer_columns())
    assert [(e.line, e.column, e.code) for e in report.errors] == [(1, "Nom", "file_unreadable")]


def test_validators_accept_french_spellings():
    assert [validate_size(v) for v in ("Micro-entreprise", "TPE", "pme", "Grande entreprise")] == [
        Size.MICRO,
        Size.MICRO,
        Size.PME,
        Size.GE,
    ]
    assert [validate_boolean(v) for v in ("Oui", "VRAI", "0", "Non")] == [True, True, False, False]
    assert [validate_departement(v) for v in ("2b", "974", "05")] == ["2B", "974", "05"]
    with pytest.raises(CellError) as info:
        validate_departement("96")
    assert info.value.params == (("value", "96"),)


def test_parse_optional_column_without_validator_keeps_text():
    columns = (Column("Nom"), Column("Note", required=False))
    report = read_csv(b"Nom;Note\nA; bien \nB;\n", columns)
    assert [r.values for r in report.rows] == [
        {"Nom": "A", "Note": "bien"},
        {"Nom": "B", "Note": None},
    ]


def test_read_csv_counts_data_lines_valid_or_not_without_header_or_blank_lines():
    data = b"Nom;SIRET;E-mail\nA;73282932000074;a@example.org\n\nB;1234;b@example.org\n"
    report = read_csv(data, COLUMNS)
    assert (report.ok, report.data_lines) == (False, 2)
