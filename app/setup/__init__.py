"""Organisers set events up: the event, days and slot grid, tables and rooms, participants'
scheduling settings and workshops.

Routes are thin: they validate the form, call one function of `app.services.setup` (or
`app.services.sourcing.selection` for workshops), commit, then redirect (PRG) or re-render the
form with French errors. A refused change (`SetupError`) is rolled back and explained.

`bp` is created in `routes.py`; importing this package registers every view module on it
(`common.py` holds what the modules share).
"""

from app.setup import days, locations, participants, routes, workshops
from app.setup.routes import bp

__all__ = ["bp", "days", "locations", "participants", "routes", "workshops"]
