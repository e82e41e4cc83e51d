"""The few sentences written into calendar files, in French (default) and English.

The web layer translates with Flask-Babel; the core must stay Flask-free, so it carries this
tiny table of its own. French typography: a no-break space (U+00A0) before a colon.
"""

from __future__ import annotations

from typing import Final, Literal

from app.ical.errors import UnsupportedLanguageError

Lang = Literal["fr", "en"]
DEFAULT_LANG: Final = "fr"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "meeting_summary": "Rendez-vous\u00a0: {buyer} ↔ {company}",
        "workshop_summary": "Atelier\u00a0: {title}",
        "with": "Avec\u00a0: {party}",
        "buyer": "Acheteur\u00a0: {party}",
        "company": "Entreprise\u00a0: {party}",
        "need": "Besoin\u00a0: {need}",
        "place": "Lieu\u00a0: {place}",
        "contact": "Contact organisateur\u00a0: {contact}",
        "link": "Détails\u00a0: {url}",
        "reminder": "Rappel\u00a0: {summary}",
        "cancelled": "Annulé\u00a0: {summary}",
    },
    "en": {
        "meeting_summary": "Meeting: {buyer} ↔ {company}",
        "workshop_summary": "Workshop: {title}",
        "with": "With: {party}",
        "buyer": "Buyer: {party}",
        "company": "Company: {party}",
        "need": "Need: {need}",
        "place": "Place: {place}",
        "contact": "Organiser contact: {contact}",
        "link": "Details: {url}",
        "reminder": "Reminder: {summary}",
        "cancelled": "Cancelled: {summary}",
    },
}


def check_lang(lang: str) -> dict[str, str]:
    """The message table of ``lang``; ``UnsupportedLanguageError`` if there is none."""
    try:
        return MESSAGES[lang]
    except KeyError:
        raise UnsupportedLanguageError(f"no calendar messages for language {lang!r}") from None


def message(lang: str, key: str, **values: str) -> str:
    """One sentence of the table, formatted with ``values``.

    User text is substituted into a Python string only; it reaches the file through the
    icalendar property API, which escapes it.
    """
    return check_lang(lang)[key].format(**values)
