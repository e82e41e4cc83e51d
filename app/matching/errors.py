"""Named domain errors of the matching core and the line/column error record.

The web layer turns these into flash messages or form errors; the core never
raises HTTP errors. Every error that comes from a file names the line (1-based,
as a spreadsheet shows it: the header is line 1) and the column.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.matching.i18n import Lang, render


class MatchingError(Exception):
    """Base class of every error raised by the matching core."""


@dataclass(frozen=True)
class LineError:
    """One problem in an imported file, located by line and column.

    `code` selects a message template (see `i18n.MESSAGES`); `params` fills it.
    """

    source: str
    line: int
    column: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: Lang = "fr", *, with_source: bool = True) -> str:
        """The human message, e.g. « cpv.csv\u202f: ligne 4, colonne CODE\u202f: … »."""
        detail = render(self.code, dict(self.params), lang)
        where = render("where", {"line": str(self.line), "column": self.column}, lang)
        colon = "\u202f:" if lang == "fr" else ":"  # French: narrow no-break space first
        prefix = f"{self.source}{colon} " if self.source and with_source else ""
        return f"{prefix}{where}{colon} {detail}"


class FileImportError(MatchingError):
    """A file could not be imported; `errors` lists every problem found, in file order."""

    def __init__(self, errors: tuple[LineError, ...]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.message("en") for e in errors))

    def messages(self, lang: Lang = "fr") -> list[str]:
        """All messages in the given language, one per problem."""
        return [e.message(lang) for e in self.errors]
