"""CPV reference: parsing the official list, normalising and validating codes, hierarchy, search.

The Common Procurement Vocabulary (regulation (EC) 213/2008) has codes like `45233221-4`:
eight digits and a check digit. The hierarchy is read from the prefix: division = 2 digits,
group = 3, class = 4, category = 5, then sub-categories; trailing zeros are padding.

The check digit follows no formula we could establish (Luhn, Verhoeff, Damm and the
ISO 7064 schemes each fail on thousands of codes of the official list), so a code is valid
when it is a member of the imported list, and a check digit given by a user must equal the
one in the list.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.matching.errors import FileImportError, LineError, MatchingError
from app.matching.i18n import Lang, fold

CODE_RE = re.compile(r"^(\d{8})(?:-(\d))?$")
# What users type: spaces, dots or a spaced dash are tolerated around the digits.
_LOOSE_RE = re.compile(r"^(\d{8})(?:\s*-\s*(\d))?$")

LevelName = Literal["division", "group", "class", "category", "subcategory"]


class CpvError(MatchingError):
    """Base class of CPV validation errors."""


class InvalidCpvCode(CpvError):
    """The text does not look like a CPV code (eight digits, optional check digit)."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"{value!r} is not a CPV code")


class UnknownCpvCode(CpvError):
    """Well-formed, but not in the imported CPV list."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"CPV code {value!r} is not in the reference list")


class CpvCheckDigitMismatch(CpvError):
    """The code is in the list but the check digit typed differs from the list's."""

    def __init__(self, value: str, expected: str) -> None:
        self.value = value
        self.expected = expected
        super().__init__(f"check digit of {value!r} differs from the reference ({expected})")


def significant_level(code: str) -> int:
    """Number of significant digits of an 8-digit code (trailing zeros are padding), at least 2.

    45000000 -> 2 (division), 45200000 -> 3 (group), 45230000 -> 4 (class),
    45233000 -> 5 (category), 45233221 -> 8.
    """
    return max(2, len(code.rstrip("0")))


def level_name(level: int) -> LevelName:
    """Name of a hierarchy depth: 2 division, 3 group, 4 class, 5 category, 6-8 subcategory."""
    if level < 2:
        raise ValueError(f"no CPV hierarchy level has depth {level}")
    names: dict[int, LevelName] = {2: "division", 3: "group", 4: "class", 5: "category"}
    return names.get(level, "subcategory")


@dataclass(frozen=True)
class CpvCode:
    """One entry of the CPV list. `code` is the 8 digits, without the check digit."""

    code: str
    check_digit: str | None
    label_fr: str
    label_en: str

    @property
    def division(self) -> str:
        """First two digits, e.g. '45' (construction work)."""
        return self.code[:2]

    @property
    def group(self) -> str:
        """First three digits."""
        return self.code[:3]

    @property
    def class_(self) -> str:
        """First four digits (`class` is a Python keyword)."""
        return self.code[:4]

    @property
    def category(self) -> str:
        """First five digits."""
        return self.code[:5]

    @property
    def level(self) -> int:
        """Depth in the hierarchy: significant digits before the trailing zeros (2..8)."""
        return significant_level(self.code)

    @property
    def full_code(self) -> str:
        """The code as published, '45233221-4' (or the 8 digits when no check digit is known)."""
        return f"{self.code}-{self.check_digit}" if self.check_digit else self.code

    def label(self, lang: Lang = "fr") -> str:
        """The label in `lang`."""
        return self.label_fr if lang == "fr" else self.label_en


def normalize_code(text: str) -> tuple[str, str | None]:
    """Split user input into (8 digits, check digit or None); raise InvalidCpvCode otherwise.

    Accepts '45233221', '45233221-4', ' 45 23 32 21 - 4 ', '45.23.32.21'.
    """
    compact = re.sub(r"[\s.]", "", text.strip())
    match = _LOOSE_RE.match(compact)
    if not match:
        raise InvalidCpvCode(text.strip())
    return match.group(1), match.group(2)


def shared_prefix(a: str, b: str) -> int:
    """Number of leading digits two codes have in common."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def common_level(a: str, b: str) -> int:
    """Depth of the deepest hierarchy level shared by two codes; 0 when divisions differ.

    Padding zeros never count: 45200000 (a group) and 45200000 share the group (3), not 8
    digits; 45233221 and 45233000 share the category 45233 (5); 45100000 and 45200000 share
    the division (2).
    """
    a8, _ = normalize_code(a)
    b8, _ = normalize_code(b)
    depth = min(shared_prefix(a8, b8), significant_level(a8), significant_level(b8))
    return depth if depth >= 2 else 0


@dataclass(frozen=True)
class _Entry:
    """Search data precomputed once per code."""

    cpv: CpvCode
    words_fr: tuple[str, ...]
    words_en: tuple[str, ...]


_WORD_RE = re.compile(r"\w+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(fold(text)))


@dataclass(frozen=True)
class CpvReference:
    """The imported CPV list: lookup, validation and autocomplete search."""

    codes: tuple[CpvCode, ...]
    _by_code: Mapping[str, CpvCode] = field(init=False, repr=False, compare=False)
    _entries: tuple[_Entry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen dataclass: derived indexes are set once through object.__setattr__.
        object.__setattr__(self, "_by_code", {c.code: c for c in self.codes})
        object.__setattr__(
            self,
            "_entries",
            tuple(_Entry(c, _words(c.label_fr), _words(c.label_en)) for c in self.codes),
        )

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def get(self, code: str) -> CpvCode | None:
        """The entry for 8 digits, or None."""
        return self._by_code.get(code)

    def resolve(self, text: str) -> CpvCode:
        """Validate user input by membership; return the entry.

        Raises InvalidCpvCode (malformed), UnknownCpvCode (not in the list) or
        CpvCheckDigitMismatch (check digit typed differs from the list's).
        """
        code, check = normalize_code(text)
        entry = self._by_code.get(code)
        if entry is None:
            raise UnknownCpvCode(text.strip())
        if check is not None and entry.check_digit is not None and check != entry.check_digit:
            raise CpvCheckDigitMismatch(text.strip(), entry.full_code)
        return entry

    def search(self, query: str, lang: Lang = "fr", limit: int = 10) -> list[CpvCode]:
        """Autocomplete over codes and labels, accent- and case-insensitive.

        Each digit token of `query` must be a prefix of the code (a dash is ignored); each
        word token must be the prefix of a word of the label in `lang`. Results put exact
        word matches first, then broader codes (lower level), then code order.
        """
        tokens = _WORD_RE.findall(fold(query.replace("-", "")))
        digits = [t for t in tokens if t.isdigit()]
        words = [t for t in tokens if not t.isdigit()]
        if not tokens or limit <= 0:
            return []
        scored: list[tuple[int, int, str, CpvCode]] = []
        for entry in self._entries:
            code = entry.cpv.code + (entry.cpv.check_digit or "")
            if any(not code.startswith(d) for d in digits):
                continue
            label_words = entry.words_fr if lang == "fr" else entry.words_en
            if any(not any(w.startswith(t) for w in label_words) for t in words):
                continue
            exact = sum(1 for t in words if t in label_words)
            scored.append((-exact, entry.cpv.level, entry.cpv.code, entry.cpv))
        scored.sort(key=lambda s: s[:3])
        return [s[3] for s in scored[:limit]]


REQUIRED_COLUMNS = ("CODE", "FR", "EN")


def parse_cpv_rows(rows: Iterable[tuple[int, Sequence[str]]], source: str) -> CpvReference:
    """Build the reference from (line number, cells) rows, the first being the header.

    Columns are found by name (CODE, FR, EN, case-insensitive), so the official multilingual
    spreadsheet works as well as a three-column CSV. Every line is checked; if any fails,
    FileImportError lists all problems and nothing is returned.
    """
    iterator: Iterator[tuple[int, Sequence[str]]] = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise FileImportError((LineError(source, 1, "CODE", "file_empty"),))
    header_line, header_cells = header
    names = [str(c or "").strip().upper() for c in header_cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FileImportError(
            tuple(LineError(source, header_line, c, "cpv_missing_column") for c in missing)
        )
    index = {c: names.index(c) for c in REQUIRED_COLUMNS}
    errors: list[LineError] = []
    codes: list[CpvCode] = []
    first_line: dict[str, int] = {}
    for line, cells in iterator:
        values = {
            c: (str(cells[i]).strip() if i < len(cells) and cells[i] is not None else "")
            for c, i in index.items()
        }
        if not any(str(c or "").strip() for c in cells):
            continue  # blank line: spreadsheets often end with some
        match = CODE_RE.match(values["CODE"])
        if not match:
            errors.append(
                LineError(source, line, "CODE", "cpv_not_a_code", (("value", values["CODE"]),))
            )
        for column in ("FR", "EN"):
            if not values[column]:
                errors.append(LineError(source, line, column, "cpv_empty_label"))
        if not match:
            continue
        code = match.group(1)
        if code in first_line:
            errors.append(
                LineError(
                    source,
                    line,
                    "CODE",
                    "cpv_duplicate",
                    (("value", code), ("first_line", str(first_line[code]))),
                )
            )
            continue
        first_line[code] = line
        codes.append(CpvCode(code, match.group(2), values["FR"], values["EN"]))
    if errors:
        raise FileImportError(tuple(errors))
    return CpvReference(tuple(codes))


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileImportError((LineError(source, 1, "CODE", "file_encoding"),)) from None


def parse_cpv_csv(data: bytes, source: str = "cpv.csv") -> CpvReference:
    """Parse CSV bytes (UTF-8 with or without BOM, or Windows-1252; ',' or ';' delimiter)."""
    text = _decode(data, source)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return parse_cpv_rows(((reader.line_num, row) for row in reader), source)


def parse_cpv_xlsx(data: bytes, source: str = "cpv.xlsx") -> CpvReference:
    """Parse the first sheet of an XLSX workbook (the official SIMAP spreadsheet layout)."""
    import openpyxl  # imported lazily: only imports of spreadsheets need it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about cosmetic workbook features (default styles, data validation)
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise FileImportError(
            (LineError(source, 1, "CODE", "file_unreadable", (("detail", str(exc)),)),)
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (n, ["" if v is None else str(v) for v in row])
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return parse_cpv_rows(rows, source)


def load_cpv(path: Path) -> CpvReference:
    """Load a CPV list from a .csv or .xlsx file; errors name the file, line and column."""
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_cpv_xlsx(data, path.name)
    return parse_cpv_csv(data, path.name)
