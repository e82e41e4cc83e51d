"""Flask-free reader of CSV and XLSX imports (companies, buyers) with a dry run.

`read_table` parses every line and returns either all rows or ALL errors, each with the
line number the user sees in a spreadsheet (the header is line 1) and the column name, in
French by default (« ligne 4, colonne SIRET : numéro SIRET invalide »). The caller commits
nothing when `report.errors` is not empty; the dry run is simply not committing at all.

CSV files from French Excel use ';' and Windows-1252: the delimiter is chosen from the
header line and the encoding falls back from UTF-8 (with or without BOM) to Windows-1252.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from app.matching.cpv import CpvCheckDigitMismatch, CpvError, CpvReference
from app.matching.errors import FileImportError, LineError, MatchingError
from app.matching.i18n import Lang, fold
from app.matching.score import Size


class CellError(MatchingError):
    """A cell value is invalid; `code` and `params` select the message (see i18n)."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = tuple(sorted(params.items()))
        super().__init__(code)


Validator = Callable[[str], object]


@dataclass(frozen=True)
class Column:
    """One expected column. `validator` turns the stripped text into a value or raises
    CellError; empty optional cells give None without calling it. `unique` reports a
    second row with the same value (compared case-insensitively) as a duplicate."""

    name: str
    required: bool = True
    validator: Validator | None = None
    aliases: tuple[str, ...] = ()
    unique: bool = False


@dataclass(frozen=True)
class ParsedRow:
    """A valid line: its line number and the parsed value of each column (None if empty)."""

    line: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class TableReport:
    """Result of a (dry) run: rows when there is no error, otherwise every error."""

    source: str
    rows: tuple[ParsedRow, ...]
    errors: tuple[LineError, ...]
    encoding: str | None = None  # 'utf-8' or 'cp1252' for CSV; None for XLSX
    delimiter: str | None = None
    data_lines: int = 0  # non-blank lines after the header, valid or not (for summaries)

    @property
    def ok(self) -> bool:
        """True when every line is valid and the rows may be committed."""
        return not self.errors

    def messages(self, lang: Lang = "fr", *, with_source: bool = False) -> list[str]:
        """One message per error, in file order; the file name is left out by default as
        the user has just uploaded it."""
        return [e.message(lang, with_source=with_source) for e in self.errors]

    def raise_for_errors(self) -> None:
        """Raise FileImportError listing every error, if any."""
        if self.errors:
            raise FileImportError(self.errors)


# -- validators ---------------------------------------------------------------------------


def validate_siret(value: str) -> str:
    """A valid SIRET (14 digits, Luhn, La Poste exception), returned without spaces."""
    try:
        return str(stdnum_siret.validate(value))
    except StdnumValidationError:
        raise CellError("siret_invalid") from None


def validate_email_address(value: str) -> str:
    """A syntactically valid e-mail address (no DNS look-up), normalised."""
    try:
        return str(validate_email(value, check_deliverability=False).normalized)
    except EmailNotValidError:
        raise CellError("email_invalid") from None


_SIZES = {
    "micro": Size.MICRO,
    "micro entreprise": Size.MICRO,
    "microentreprise": Size.MICRO,
    "tpe": Size.MICRO,
    "pme": Size.PME,
    "eti": Size.ETI,
    "ge": Size.GE,
    "grande entreprise": Size.GE,
}


def validate_size(value: str) -> Size:
    """micro / PME / ETI / GE (also 'micro-entreprise', 'TPE', 'grande entreprise')."""
    size = _SIZES.get(re.sub(r"[\s-]+", " ", fold(value)).strip())
    if size is None:
        raise CellError("size_invalid", value=value)
    return size


DEPARTEMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)


def validate_departement(value: str) -> str:
    """A French département code: '01'..'95', '2A', '2B', '971'..'976' ('1' reads '01',
    as spreadsheets drop the leading zero of numbers)."""
    code = value.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    if code not in DEPARTEMENTS:
        raise CellError("departement_invalid", value=value)
    return code


_TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_FALSE = {"non", "n", "no", "faux", "false", "0"}


def validate_boolean(value: str) -> bool:
    """oui/non, vrai/faux, yes/no, 1/0, x (a ticked cell)."""
    folded = fold(value).strip()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError("boolean_invalid", value=value)


def cpv_codes(reference: CpvReference) -> Validator:
    """Validator of a cell listing CPV codes separated by ',', ';', '|' or spaces; returns
    the 8-digit codes in cell order, without duplicates."""

    def validate(value: str) -> tuple[str, ...]:
        codes: list[str] = []
        unknown: list[str] = []
        for token in re.split(r"[,;|\s]+", value.strip()):
            if not token:
                continue
            try:
                entry = reference.resolve(token)
            except CpvCheckDigitMismatch as exc:
                raise CellError("cpv_check_digit", value=token, expected=exc.expected) from None
            except CpvError:
                unknown.append(token)
                continue
            if entry.code not in codes:
                codes.append(entry.code)
        if unknown:
            raise CellError("cpv_unknown", value=", ".join(unknown))
        return tuple(codes)

    return validate


def max_length(limit: int) -> Validator:
    """Validator of free text of at most `limit` characters."""

    def validate(value: str) -> str:
        if len(value) > limit:
            raise CellError("too_long", length=str(len(value)), max=str(limit))
        return value

    return validate


def company_columns(reference: CpvReference) -> tuple[Column, ...]:
    """Columns of a company import (names as in the downloadable template)."""
    return (
        Column("Nom", validator=max_length(200), aliases=("Raison sociale", "Name")),
        Column("SIRET", validator=validate_siret, unique=True),
        Column(
            "E-mail",
            validator=validate_email_address,
            unique=True,
            aliases=("Email", "Courriel", "Adresse électronique"),
        ),
        Column("Taille", required=False, validator=validate_size, aliases=("Size",)),
        Column("ESS", required=False, validator=validate_boolean),
        Column("SIAE", required=False, validator=validate_boolean),
        Column("Département", required=False, validator=validate_departement),
        Column("CPV", required=False, validator=cpv_codes(reference), aliases=("Codes CPV",)),
        Column("Offre", required=False, validator=max_length(5000), aliases=("Offer",)),
    )


def buyer_columns() -> tuple[Column, ...]:
    """Columns of a buyer import."""
    return (
        Column("Nom", validator=max_length(200), aliases=("Name",)),
        Column("SIRET", required=False, validator=validate_siret, unique=True),
        Column(
            "E-mail",
            validator=validate_email_address,
            unique=True,
            aliases=("Email", "Courriel", "Adresse électronique"),
        ),
        Column("Département", required=False, validator=validate_departement),
    )


# -- reading ------------------------------------------------------------------------------


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", "", fold(name))


def parse_rows(
    rows: Iterable[tuple[int, Sequence[str]]], columns: Sequence[Column], source: str
) -> tuple[tuple[ParsedRow, ...], tuple[LineError, ...]]:
    """Validate (line, cells) rows, the first being the header; all rows or all errors."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return (), (LineError(source, 1, columns[0].name if columns else "", "file_empty"),)
    header_line, cells = header
    positions = {_key(str(c)): i for i, c in reversed(list(enumerate(cells)))}
    index: dict[str, int] = {}
    errors: list[LineError] = []
    for column in columns:
        found = next(
            (positions[_key(n)] for n in (column.name, *column.aliases) if _key(n) in positions),
            None,
        )
        if found is not None:
            index[column.name] = found
        elif column.required:
            errors.append(LineError(source, header_line, column.name, "missing_column"))
    if errors:
        return (), tuple(errors)
    parsed: list[ParsedRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in iterator:
        if not any(str(c).strip() for c in row):
            continue  # blank line
        values: dict[str, object] = {}
        for column in columns:
            i = index.get(column.name)
            text = str(row[i]).strip() if i is not None and i < len(row) else ""
            if not text:
                if column.required:
                    errors.append(LineError(source, line, column.name, "required"))
                values[column.name] = None
                continue
            try:
                value = column.validator(text) if column.validator else text
            except CellError as exc:
                errors.append(LineError(source, line, column.name, exc.code, exc.params))
                continue
            values[column.name] = value
            if column.unique:
                key = (column.name, str(value).casefold())
                if key in seen:
                    errors.append(
                        LineError(
                            source,
                            line,
                            column.name,
                            "duplicate",
                            (("first_line", str(seen[key])),),
                        )
                    )
                else:
                    seen[key] = line
        parsed.append(ParsedRow(line, values))
    if errors:
        return (), tuple(errors)
    return tuple(parsed), ()


def count_data_lines(rows: Sequence[tuple[int, Sequence[str]]]) -> int:
    """Non-blank rows after the header: what a summary calls the lines read."""
    return sum(1 for _line, cells in rows[1:] if any(str(c).strip() for c in cells))


def _sniff_delimiter(first_line: str) -> str:
    """The delimiter among ';', ',' and tab that splits the header most (',' on a tie)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_csv(data: bytes, columns: Sequence[Column], source: str = "import.csv") -> TableReport:
    """Read CSV bytes: UTF-8 (BOM or not) or Windows-1252, ';' ',' or tab delimiter."""
    first_column = columns[0].name if columns else ""
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            error = LineError(source, 1, first_column, "file_encoding")
            return TableReport(source, (), (error,))
    if not text.strip():
        return TableReport(
            source, (), (LineError(source, 1, first_column, "file_empty"),), encoding
        )
    delimiter = _sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Count records, not physical lines: a quoted cell with a line break is still one
        # spreadsheet row, and that row number is what the user looks for.
        rows = list(enumerate(reader, start=1))
    except csv.Error as exc:
        error = LineError(
            source, reader.line_num, first_column, "file_unreadable", (("detail", str(exc)),)
        )
        return TableReport(source, (), (error,), encoding, delimiter)
    parsed, errors = parse_rows(rows, columns, source)
    return TableReport(source, parsed, errors, encoding, delimiter, count_data_lines(rows))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # numbers typed in Excel: SIRET, département
    return str(value)


def read_xlsx(data: bytes, columns: Sequence[Column], source: str = "import.xlsx") -> TableReport:
    """Read the first sheet of an XLSX workbook; line numbers are the sheet's row numbers."""
    import openpyxl

    first_column = columns[0].name if columns else ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # cosmetic workbook features
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a corrupt or non-XLSX file raises many types
        error = LineError(source, 1, first_column, "file_unreadable", (("detail", str(exc)),))
        return TableReport(source, (), (error,))
    try:
        rows = [
            (n, [_cell_text(v) for v in row])
            for n, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    if not rows:
        return TableReport(source, (), (LineError(source, 1, first_column, "file_empty"),))
    parsed, errors = parse_rows(rows, columns, source)
    return TableReport(source, parsed, errors, data_lines=count_data_lines(rows))


def read_table(data: bytes, filename: str, columns: Sequence[Column]) -> TableReport:
    """Read an upload by its file name's extension (.xlsx/.xlsm, otherwise CSV)."""
    name = PurePath(filename).name
    if name.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data, columns, name)
    return read_csv(data, columns, name)
