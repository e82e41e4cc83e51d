"""The demo event, loaded by `flask demo load` and by `make run` on an empty database.

Owns: `data` (the event's companies, buyers, needs and requests, as constants) and `loader`
(writing them). Top floor: may import any other service package (today `audit` and
`setup.listing`); nothing imports it but the CLI and tests.
"""

from app.services.demo.data import (
    BUYER_EMAIL,
    COMPANY_EMAIL,
    DEMO_PASSWORD,
    DIRECTIONS,
    ORGANISER_EMAIL,
)
from app.services.demo.loader import DemoError, database_is_empty, load_demo

__all__ = [
    "BUYER_EMAIL",
    "COMPANY_EMAIL",
    "DEMO_PASSWORD",
    "DIRECTIONS",
    "ORGANISER_EMAIL",
    "DemoError",
    "database_is_empty",
    "load_demo",
]
