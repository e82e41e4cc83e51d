"""Agenda forms: the solver's time limit, and CSRF-protected action buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, StopValidation

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
