"""Calendars from the published agenda: participants' `.ics` files and `webcal://` feeds.

Owns: `feeds` (ORM → the Flask-free `app.ical` builders; UIDs, SEQUENCE, the feed token).
May import: models, `app.ical`, `app.services.agenda` (the published version). Imported by
`mail` (invitations carry the same events); imports neither `mail` nor the blueprints.
"""

from app.services.calendars.feeds import (
    agenda_file,
    participation,
    user_by_calendar_token,
    workshop_uid,
)

__all__ = ["agenda_file", "participation", "user_by_calendar_token", "workshop_uid"]
