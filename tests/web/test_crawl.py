"""Every page reachable by each demo account (and by a visitor) answers without a server error."""

from __future__ import annotations

import re
from collections import deque

import pytest

from tests.conftest import login

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/compte/deconnexion", "/static/", "/bootstrap/", "/langue/")


@pytest.fixture
def demo_with_agenda(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def crawl(client, start: list[str], limit: int = 400) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.mimetype == "text/html":
            for link in LINK.findall(response.get_data(as_text=True)):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    return seen


@pytest.mark.parametrize(
    "email",
    [None, "organisateur@example.org", "acheteur@example.org", "entreprise@example.org"],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_crawl_every_reachable_page_has_no_server_error(client, demo_with_agenda, email, lang):
    client.get(f"/langue/{lang}")
    if email:
        login(client, email)
    seen = crawl(client, ["/", "/tableau-de-bord"])
    errors = {url: code for url, code in seen.items() if code >= 500}
    assert errors == {}
    assert len(seen) >= 5
