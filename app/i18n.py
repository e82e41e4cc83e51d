"""Locale-aware formatting helpers and template globals.

Message ids are written in French (the default locale); English comes from the `en`
catalogue in app/translations. Dates are shown in the event's timezone, French style:
« mardi 21 octobre 2026, 14 h 20 ».
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import format_date, get_locale

DEFAULT_TZ = "Europe/Paris"
NBSP = "\u202f"  # narrow no-break space, before : ; ! ? in French typography


def locale_code() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def to_local(value: datetime, tz: str | None = None) -> datetime:
    return value.astimezone(ZoneInfo(tz or DEFAULT_TZ))


def french_time(value: time | datetime) -> str:
    """« 14 h 20 »: French typography, whatever the page's language (stored texts)."""
    return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"


def format_wall_time(value: time) -> str:
    """A wall-clock time: « 14 h 20 » in French, « 2:20 PM » in English."""
    if locale_code() == "fr":
        return french_time(value)
    return value.strftime("%I:%M %p").lstrip("0")


def format_time_local(value: datetime, tz: str | None = None) -> str:
    """An instant in the event's timezone: « 14 h 20 » in French, « 2:20 PM » in English."""
    return format_wall_time(to_local(value, tz).time())


def format_date_long(value: date | datetime, tz: str | None = None) -> str:
    """« mardi 21 octobre 2026 » / « Tuesday, October 21, 2026 »."""
    if isinstance(value, datetime):
        value = to_local(value, tz).date()
    return format_date(value, format="full")


def format_datetime_long(value: datetime, tz: str | None = None) -> str:
    """« mardi 21 octobre 2026, 14 h 20 »."""
    return f"{format_date_long(value, tz)}, {format_time_local(value, tz)}"


def french_punctuation(text: str) -> str:
    """Put the narrow no-break space French typography wants before : ; ! ?."""
    if locale_code() != "fr":
        return text
    out = []
    for i, char in enumerate(text):
        if char in ":;!?" and i > 0:
            while out and out[-1] == " ":
                out.pop()
            if out and out[-1] != NBSP:
                out.append(NBSP)
        out.append(char)
    return "".join(out)


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_time_local, "time_local")
    app.add_template_filter(format_date_long, "date_long")
    app.add_template_filter(format_datetime_long, "datetime_long")

    @app.context_processor
    def _inject_locale() -> dict[str, object]:
        return {
            "current_locale": locale_code(),
            "languages": current_app.config["LANGUAGES"],
        }

    # Language switch is kept in the session; `?lang=` also works on any page.
    @app.before_request
    def _lang_from_query() -> None:
        lang = request.args.get("lang")
        if lang in current_app.config["LANGUAGES"]:
            session["lang"] = lang
