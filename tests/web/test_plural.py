"""French plurals without a French catalogue: 0 and 1 take the singular, as in French."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import ngettext

from tests.conftest import login


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", ["0 besoin", "1 besoin", "2 besoins"]),
        ("en", ["0 needs", "1 need", "2 needs"]),
    ],
)
def test_ngettext_uses_the_locale_plural_rule_for_zero(app, lang, expected):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert [ngettext("%(num)s besoin", "%(num)s besoins", n) for n in (0, 1, 2)] == expected


def test_template_pluralize_block_uses_the_french_rule_for_zero(app):
    source = (
        "{% trans count=n %}{{ count }} rendez-vous prévu"
        "{% pluralize %}{{ count }} rendez-vous prévus{% endtrans %}"
    )
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        rendered = [render_template_string(source, n=n) for n in (0, 1, 2)]
    assert rendered == ["0 rendez-vous prévu", "1 rendez-vous prévu", "2 rendez-vous prévus"]


def test_untranslated_message_in_english_keeps_the_french_grammar(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert ngettext("%(num)s atelier inédit", "%(num)s ateliers inédits", 0) == (
            "0 atelier inédit"
        )


def test_buyer_dashboard_says_zero_in_the_singular_in_french(client, demo):
    login(client, "acheteur@example.org")
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "0 réponse à donner" in page
    assert "0 réponses à donner" not in page
