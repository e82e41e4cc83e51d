"""The organiser's agenda pages: runs, review, edits, late changes, mailing.

`bp` is created in `routes.py`; importing this package registers every view module on it
(`common.py` holds what the modules share).
"""

from app.agenda import edits, late, mailing, routes
from app.agenda.routes import bp

__all__ = ["bp", "edits", "late", "mailing", "routes"]
