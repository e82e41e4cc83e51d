"""French typography on every page of the demo: narrow no-break spaces, French dates and times.

The pages are those a crawl reaches as a visitor and as each demo account, in French.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import login
from tests.web.test_crawl import SKIP

LINK = re.compile(r'href="(/[^"#]*)"')
# A breaking (ordinary) space or line break before a French double punctuation sign.
SPACE_BEFORE_PUNCTUATION = re.compile(r"\S([ \t\r\n]+)([:;!?])")
# Machine-style dates and times a person should never read: 2027-03-16, 14:20, 2027-03-16T…
RAW_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b")
# Text that is code or data, not French prose.
IGNORED_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
# Attributes whose text is shown or read out (tooltips, placeholders, accessible names).
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """Collects the text a reader sees or hears (text nodes, accessible names, tooltips),
    skipping code and data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._ignored = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in IGNORED_TAGS:
            self._ignored += 1
        self.chunks.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in IGNORED_TAGS and self._ignored:
            self._ignored -= 1

    def handle_data(self, data: str) -> None:
        if not self._ignored:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    # Tags separate words: a space stands for each boundary, as a browser would lay it out.
    return " ".join(parser.chunks)


def spacing_faults(text: str) -> list[str]:
    """Each ordinary space before : ; ! ?, with some context; URLs' `://` never match."""
    return [
        text[max(0, m.start() - 30) : m.end() + 10].strip()
        for m in SPACE_BEFORE_PUNCTUATION.finditer(text)
    ]


def french_pages(client) -> dict[str, str]:
    """Every HTML page reachable from the home page and the dashboard, by its path."""
    pages: dict[str, str] = {}
    queue = ["/", "/tableau-de-bord", "/accessibilite"]
    while queue:
        url = queue.pop(0)
        if url in pages or url.startswith(SKIP):
            continue
        response = client.get(url)
        pages[url] = ""
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[url] = response.get_data(as_text=True)
            queue.extend(link.replace("&amp;", "&") for link in LINK.findall(pages[url]))
    return {url: html for url, html in pages.items() if html}


@pytest.fixture
def demo_with_agenda(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_spacing_faults_finds_ordinary_spaces_only():
    assert spacing_faults("Mot de passe oublié ? Oui\u202f! Non : ici") == [
        "Mot de passe oublié ? Oui\u202f! Non",
        "Mot de passe oublié ? Oui\u202f! Non : ici",
    ]
    assert spacing_faults("https://example.org 14 h 20 a\u202f: b\u202f; c\u00a0? d") == []


def test_visible_text_skips_code_and_scripts():
    html = "<p>Raison\u202f:</p><code>x : y</code><script>a ? b : c</script><p>fin</p>"
    assert visible_text(html) == "Raison\u202f: fin"


@pytest.mark.parametrize(
    "email",
    [None, "organisateur@example.org", "acheteur@example.org", "entreprise@example.org"],
)
def test_french_pages_have_french_spacing_dates_and_the_statement_link(
    client, demo_with_agenda, email
):
    if email:
        login(client, email)
    pages = french_pages(client)
    assert len(pages) >= 5
    texts = {url: visible_text(html) for url, html in pages.items()}
    spacing = {url: spacing_faults(text) for url, text in texts.items()}
    assert {url: found for url, found in spacing.items() if found} == {}
    raw = {url: RAW_DATETIME.findall(text) for url, text in texts.items()}
    assert {url: found for url, found in raw.items() if found} == {}
    # The scan did see French text with its narrow no-break spaces.
    assert any("\u202f" in text for text in texts.values())
    # The law wants the accessibility statement one click away from every page.
    footer = 'href="/accessibilite" data-testid="accessibility-link"'
    assert [url for url, html in pages.items() if footer not in html] == []


def test_visible_text_includes_accessible_names_and_tooltips():
    html = '<button aria-label="Fermer ?" title="Aide : ici"><img alt="Logo" src="x"></button>'
    assert visible_text(html) == "Fermer ? Aide : ici Logo"
