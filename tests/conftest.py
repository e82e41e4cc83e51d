"""Shared fixtures: a fresh app and database per test, the demo event, form helpers."""

from __future__ import annotations

import html
import re

import pytest
from flask import g
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share `g`.

    The `app` fixture keeps an application context open so tests can use the database; Flask
    then reuses it for client requests, and extensions that cache on `g` (Flask-Login's user,
    Flask-Babel's locale) would leak from one request to the next. In production every request
    has its own context, so each request here starts with an empty `g` too.
    """

    def open(self, *args, **kwargs):
        for name in list(vars(g)):
            delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def app():
    app = create_app("testing")
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    from app.services.demo.loader import load_demo

    event = load_demo()
    db.session.commit()
    return event


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def submit(client, url: str, data: dict, *, follow: bool = False, page: str | None = None):
    """GET the form page (or `page`), then POST `data` with the page's CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, follow_redirects=follow)


def text(response) -> str:
    """The response body with HTML entities decoded (&#39; → ')."""
    return html.unescape(response.get_data(as_text=True))


def login(client, email: str, password: str = "Demo-Entremise-2026"):
    return submit(client, "/compte/connexion", {"email": email, "password": password})
