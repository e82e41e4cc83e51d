"""Mail: the transport, the invitations a publication queues, and the outbox that sends them.

Owns: `transport` (backends `log`, `memory`, `smtp`; one SMTP connection per sending pass),
`invitations` (composing messages and their `.ics`; it consumes the agenda's
`version_published` signal), `delivery` (claiming the outbox's messages, sending,
retrying, progress).
May import: models, `app.ical`, `app.services.audit`, `app.services.calendars`,
`app.services.agenda` (published versions and their diffs). Nothing in `agenda` imports it.

The names below are the transport's, used by the account pages and the tests. Importing the
package imports `invitations`, which connects them to publication (`create_app` does it).
"""

from app.services.mail import invitations  # noqa: F401  (connects to `version_published`)
from app.services.mail.transport import (
    Attachment,
    Session,
    build_message,
    deliver,
    outbox,
    send,
)

__all__ = ["Attachment", "Session", "build_message", "deliver", "outbox", "send"]
