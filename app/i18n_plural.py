"""Plural forms of the source language (French) when no catalogue translates a message.

The message ids are French, and French has no catalogue of its own: without one, gettext
falls back to the English rule `n == 1`, which prints « 0 besoins ». French uses the
singular for 0 and 1 (« 0 rendez-vous », « 0 besoin », « 1 besoin », « 2 besoins »).
This module adds, behind every catalogue, a fallback that picks the msgid's singular or
plural with the French CLDR rule from Babel. A message the English catalogue does translate
still uses the catalogue's own (English) rule; an untranslated one is shown in French with
the French rule, as it reads in French.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask_babel import Babel, Domain

SOURCE_LOCALE = Locale.parse("fr")


class SourceLanguageFallback(NullTranslations):
    """Returns the French msgid itself, choosing singular or plural by the French rule."""

    # A catalogue without the message asks its fallback's ngettext / npgettext.
    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return msgid1 if SOURCE_LOCALE.plural_form(n) == "one" else msgid2

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


class SourcePluralDomain(Domain):  # type: ignore[misc]  # Flask-Babel is untyped
    """Flask-Babel's domain, with the French fallback chained behind each catalogue once."""

    def get_translations(self) -> Any:
        translations = super().get_translations()
        if not getattr(translations, "_entremise_source_plural", False):
            translations.add_fallback(SourceLanguageFallback())
            translations._entremise_source_plural = True
        return translations


class SourcePluralBabel(Babel):  # type: ignore[misc]
    """Flask-Babel whose default domain knows the French plural rule."""

    @cached_property
    def domain_instance(self) -> Domain:
        return SourcePluralDomain(domain=self.domain)
