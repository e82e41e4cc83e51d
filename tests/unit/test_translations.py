"""The English catalogue covers every French message id and compiles.

Message ids are French (the source language); app/translations/messages.pot lists them
and app/translations/en/LC_MESSAGES/messages.po holds the English. `make translations`
re-extracts and merges; these tests catch a string left untranslated or fuzzy.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
POT = TRANSLATIONS / "messages.pot"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

# Same keywords as `make translations` (pybabel extract -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# Python %-format placeholders as used with gettext: %(name)s, %(n)d…; "%%" is a literal.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _load(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=None if path.suffix == ".pot" else "en")


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {_key(m) for m in catalog if m.id}


def _key(message: Message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def _forms(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def pot() -> Catalog:
    return _load(POT)


@pytest.fixture(scope="module")
def en() -> Catalog:
    return _load(EN_PO)


def test_pot_has_messages_when_extracted(pot: Catalog) -> None:
    # An empty template would make every other check pass vacuously.
    assert len(_ids(pot)) >= 100


def test_pot_matches_messages_in_sources_when_extracted_again(pot: Catalog) -> None:
    # A string added to the code or templates without `make translations` would otherwise
    # pass every check below and show up in French on the English site.
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    in_sources = {
        (message if isinstance(message, str) else message[0], context)
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / "app", method_map, options_map, keywords=KEYWORDS
        )
    }
    in_pot = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in pot if m.id}
    assert in_sources - in_pot == set(), "new strings: run `make translations` and translate"
    assert in_pot - in_sources == set(), "stale strings: run `make translations`"


def test_en_catalogue_contains_every_pot_msgid(pot: Catalog, en: Catalog) -> None:
    missing = _ids(pot) - _ids(en)
    assert missing == set()


def test_en_catalogue_has_no_obsolete_msgid_outside_pot(pot: Catalog, en: Catalog) -> None:
    assert _ids(en) - _ids(pot) == set()


def test_en_msgstr_nonempty_for_every_pot_msgid(pot: Catalog, en: Catalog) -> None:
    empty = [
        _key(m)
        for m in pot
        if m.id
        and (
            en.get(m.id, m.context) is None
            or not all(s.strip() for s in _forms(en.get(m.id, m.context).string))
        )
    ]
    assert empty == []


def test_en_msgstr_not_fuzzy_for_any_message(en: Catalog) -> None:
    fuzzy = [_key(m) for m in en if m.id and m.fuzzy]
    assert fuzzy == []
    assert not en.fuzzy  # the header itself must not be fuzzy, or pybabel compile skips it


def test_en_placeholders_match_msgid_for_every_message(en: Catalog) -> None:
    mismatched = []
    for message in en:
        if not message.id:
            continue
        expected = set().union(*(_placeholders(s) for s in _forms(message.id)))
        for translated in _forms(message.string):
            if _placeholders(translated) != expected:
                mismatched.append((_key(message), translated))
    assert mismatched == []


def test_placeholder_pattern_reads_named_conversions() -> None:
    assert _placeholders("%(b)s acheteurs, %(n)d créneaux, 100 %% %(x)05.2f") == {"b", "n", "x"}


def test_en_catalogue_compiles_to_mo_with_every_translation(en: Catalog) -> None:
    buffer = BytesIO()
    write_mo(buffer, en)
    buffer.seek(0)
    compiled = read_mo(buffer)
    assert _ids(compiled) == _ids(en)
    assert compiled.get("Tableau de bord").string == "Dashboard"
    assert compiled.get("Inscrire mon entreprise").string == "Register my company"
    assert compiled.get("Se connecter").string == "Log in"
