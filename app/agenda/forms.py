"""Agenda forms: the solver's time limit, and CSRF-protected action buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)

MIN_TIME_LIMIT = 1
MAX_TIME_LIMIT = 600


class SecondsField(IntegerField):
    """An integer field whose errors are French and never stack up.

    An empty box is "required" (not "not a number"), and a value that is not a number stops
    validation there instead of also failing the range check.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


def _time_limit_field(label: Any) -> SecondsField:
    return SecondsField(
        label,
        validators=[
            InputRequired(_l("Ce champ est obligatoire.")),
            NumberRange(
                min=MIN_TIME_LIMIT,
                max=MAX_TIME_LIMIT,
                message=_l("Indiquez une durée de 1 à 600 secondes."),
            ),
        ],
        invalid_value_message=_l("Indiquez un nombre entier de secondes."),
        render_kw={"min": MIN_TIME_LIMIT, "max": MAX_TIME_LIMIT, "step": 1, "inputmode": "numeric"},
    )


class GenerateForm(FlaskForm):
    time_limit = _time_limit_field(_l("Limite de temps du calcul (secondes)"))
    submit = SubmitField(_l("Générer le planning"))


class ReoptimiseForm(FlaskForm):
    time_limit = _time_limit_field(_l("Limite de temps du calcul (secondes)"))
    submit = SubmitField(_l("Réoptimiser"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token and where to go back."""

    next = HiddenField()


class ChoiceField(SelectField):
    """A select of ids whose errors are French: a missing or unknown value is one message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form: Any) -> None:
        if self.data not in {value for value, _label in self.choices or ()}:
            raise StopValidation(str(_l("Choisissez une valeur dans la liste.")))


class PlaceForm(FlaskForm):
    """A new place for a meeting: move it, or place an unscheduled one."""

    slot = ChoiceField(_l("Créneau"), coerce=int)
    table = ChoiceField(_l("Table"), coerce=int)
    submit = SubmitField(_l("Enregistrer"))


class SwapForm(FlaskForm):
    other = ChoiceField(_l("Échanger avec le rendez-vous"), coerce=int)
    submit = SubmitField(_l("Échanger les places"))


class RemoveForm(FlaskForm):
    reason = TextAreaField(
        _l("Raison du retrait"),
        validators=[
            DataRequired(_l("Indiquez la raison du retrait.")),
            Length(max=500, message=_l("500 caractères au plus.")),
        ],
    )
    submit = SubmitField(_l("Retirer du planning"))


# --------------------------------------------------------------------------- late changes


class ChoicesField(SelectMultipleField):
    """Several ids from a list (check boxes), with French errors."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form: Any) -> None:
        allowed = {value for value, _label in self.choices or ()}
        if self.data is None or any(value not in allowed for value in self.data):
            raise StopValidation(str(_l("Choisissez des valeurs dans la liste.")))


class _Prefixed(FlaskForm):
    """One of several forms on one page: its own field ids and names (`prefix-field`)."""

    form_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.form_prefix)
        super().__init__(*args, **kwargs)


def _late_reason(required: bool) -> TextAreaField:
    checks: list[Any] = [Length(max=500, message=_l("500 caractères au plus."))]
    if required:
        checks.insert(0, DataRequired(_l("Indiquez la raison.")))
    else:
        checks.insert(0, Optional())
    return TextAreaField(_l("Raison") if required else _l("Raison (facultatif)"), validators=checks)


class WithdrawForm(_Prefixed):
    form_prefix = "retrait"
    participant = ChoiceField(_l("Entreprise qui se retire"), coerce=int)
    reason = _late_reason(True)
    submit = SubmitField(_l("Enregistrer le retrait"))


class CancelMeetingForm(_Prefixed):
    form_prefix = "annulation"
    request = ChoiceField(_l("Rendez-vous annulé"), coerce=int)
    reason = _late_reason(True)
    submit = SubmitField(_l("Enregistrer l'annulation"))


# « 15:30 », « 15h30 », « 15 h 30 », « 15.30 », « 1530 »
TIME_RE = r"^\s*([01]?\d|2[0-3])\s*[:hH.]?\s*([0-5]\d)\s*$"


class AbsenceForm(_Prefixed):
    form_prefix = "absence"
    participant = ChoiceField(_l("Participant"), coerce=int)
    kind = ChoiceField(_l("Changement"), coerce=str)
    day = ChoiceField(_l("Jour"), coerce=str)
    at = StringField(
        _l("Heure"),
        validators=[
            DataRequired(_l("Ce champ est obligatoire.")),
            Regexp(TIME_RE, message=_l("Indiquez une heure, par exemple 15 h 30.")),
        ],
        render_kw={"placeholder": "15 h 30", "autocomplete": "off"},
    )
    reason = _late_reason(False)
    submit = SubmitField(_l("Enregistrer l'indisponibilité"))


class LateCompanyForm(_Prefixed):
    form_prefix = "entreprise"
    organisation = ChoiceField(_l("Entreprise"), coerce=int)
    name = StringField(
        _l("Nom de la nouvelle entreprise"),
        validators=[Optional(), Length(max=200, message=_l("200 caractères au plus."))],
    )
    siret = StringField(_l("SIRET de la nouvelle entreprise"), validators=[Optional()])
    buyers = ChoicesField(_l("Acheteurs à rencontrer"), coerce=int)
    priority = ChoiceField(_l("Priorité des demandes"), coerce=str)
    reason = _late_reason(False)
    submit = SubmitField(_l("Ajouter l'entreprise"))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.organisation.data == 0:  # a new organisation: name and SIRET needed
            if not (self.name.data or "").strip():
                self.name.errors = [*self.name.errors, str(_l("Indiquez le nom."))]
                ok = False
            if not (self.siret.data or "").strip():
                self.siret.errors = [*self.siret.errors, str(_l("Indiquez le SIRET."))]
                ok = False
        if not self.buyers.errors and not self.buyers.data:
            self.buyers.errors = [*self.buyers.errors, str(_l("Choisissez au moins un acheteur."))]
            ok = False
        return ok
