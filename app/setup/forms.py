"""Set-up forms: the event, a day's grid, tables and rooms, participants' settings.

Date and time fields say what is wrong in French and stop there (no second message from a
range check on a value that could not be read).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.services.setup.base import MAX_CAP, MAX_SLOT_MINUTES, MIN_SLOT_MINUTES
from app.services.setup.events import is_valid_timezone

REQUIRED = _l("Ce champ est obligatoire.")


class _FrenchParse:
    """Mixin: an unreadable value gives one French message and stops validation."""

    parse_message: Any = _l("Valeur illisible.")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None  # type: ignore[attr-defined]
            return
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            self.data = None  # type: ignore[attr-defined]
            raise ValueError(str(self.parse_message)) from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # type: ignore[attr-defined]
            raise StopValidation()


class FrTimeField(_FrenchParse, TimeField):
    parse_message = _l("Indiquez une heure au format hh:mm, par exemple 14:20.")


class FrDateField(_FrenchParse, DateField):
    parse_message = _l("Indiquez une date au format jj/mm/aaaa.")


class FrDateTimeField(_FrenchParse, DateTimeLocalField):
    parse_message = _l("Indiquez une date et une heure.")


class FrIntegerField(_FrenchParse, IntegerField):
    parse_message = _l("Indiquez un nombre entier.")


class FrSelectField(SelectField):
    """A select of ids: a missing or unknown value is one French message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form: Any) -> None:
        values = {c.value if isinstance(c, SelectChoice) else c[0] for c in self.choices or ()}
        if self.data not in values:
            raise StopValidation(str(_l("Choisissez une valeur dans la liste.")))


class EventForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Présentation"), validators=[Length(max=5000)])
    venue = StringField(_l("Lieu"), validators=[Length(max=300)])
    timezone = StringField(
        _l("Fuseau horaire"),
        default="Europe/Paris",
        validators=[DataRequired(REQUIRED), Length(max=64)],
        render_kw={"list": "fuseaux", "autocomplete": "off"},
    )
    application_deadline = FrDateTimeField(
        _l("Date limite de candidature (heure locale de l'événement)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    contact_email = EmailField(
        _l("Adresse de contact"),
        validators=[
            Optional(),
            Email(_l("Indiquez une adresse électronique valide.")),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Enregistrer"))

    def validate_timezone(self, field: StringField) -> None:
        if field.data and not is_valid_timezone(field.data.strip()):
            raise ValidationError(
                _l("Fuseau horaire inconnu : indiquez un nom IANA comme Europe/Paris.")
            )


class StatusForm(FlaskForm):
    status = HiddenField()


class ConfirmForm(FlaskForm):
    """A destructive button; `confirm` must be ticked when something would be lost."""

    confirm = BooleanField(_l("Je confirme la suppression de ces éléments"))
    submit = SubmitField(_l("Supprimer"))


class PauseForm(Form):
    # No Optional(): it would stop the chain before validate_end checks the pair.
    start = FrTimeField(_l("Début de la pause"))
    end = FrTimeField(_l("Fin de la pause"))
    label = StringField(_l("Intitulé de la pause"), validators=[Length(max=100)])

    def validate_end(self, field: TimeField) -> None:
        if (self.start.data is None) != (field.data is None) and not self.start.errors:
            raise ValidationError(_l("Indiquez le début et la fin de la pause."))
        if field.data is not None and self.start.data is not None and field.data <= self.start.data:
            raise ValidationError(_l("La fin de la pause doit suivre son début."))


class DayForm(FlaskForm):
    date = FrDateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    start_time = FrTimeField(_l("Début"), validators=[InputRequired(REQUIRED)])
    end_time = FrTimeField(_l("Fin"), validators=[InputRequired(REQUIRED)])
    slot_minutes = FrIntegerField(
        _l("Durée d'un créneau (minutes)"),
        default=20,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                MIN_SLOT_MINUTES,
                MAX_SLOT_MINUTES,
                message=_l("Entre %(min)s et %(max)s minutes."),
            ),
        ],
    )
    session_boundary = FrTimeField(
        _l("Début de l'après-midi (facultatif)"), validators=[Optional()]
    )
    pauses = FieldList(FormField(PauseForm), min_entries=3, max_entries=8)
    confirm = BooleanField(_l("Je confirme la perte des éléments listés ci-dessus"))
    preview = SubmitField(_l("Prévisualiser les créneaux"))
    submit = SubmitField(_l("Enregistrer la journée"))

    def validate_end_time(self, field: TimeField) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("La fin doit suivre le début."))


KINDS = [
    SelectChoice("table", _l("Table de rendez-vous")),
    SelectChoice("room", _l("Salle d'atelier")),
]


class LocationForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=100)])
    kind = FrSelectField(_l("Type"), choices=KINDS, default="table")
    room = StringField(_l("Salle ou hall"), validators=[Length(max=100)])
    submit = SubmitField(_l("Enregistrer"))


class TablesForm(FlaskForm):
    prefix = StringField(
        _l("Nom des tables"), default="Table", validators=[DataRequired(REQUIRED), Length(max=80)]
    )
    first = FrIntegerField(
        _l("Premier numéro"),
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(0, 9999, message=_l("Entre 0 et 9 999."))],
    )
    count = FrIntegerField(
        _l("Nombre de tables"),
        default=8,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, MAX_CAP, message=_l("Entre 1 et %(max)s tables.")),
        ],
    )
    room = StringField(_l("Salle ou hall"), validators=[Length(max=100)])
    submit = SubmitField(_l("Créer les tables"))


CAP_RANGE = NumberRange(0, MAX_CAP, message=_l("Entre 0 et %(max)s."))


class ParticipantRowForm(Form):
    participant_id = HiddenField()
    location_id = FrSelectField(_l("Table gardée"), coerce=int, default=0)
    max_meetings = FrIntegerField(_l("Rendez-vous au plus"), validators=[Optional(), CAP_RANGE])
    min_meetings = FrIntegerField(
        _l("Rendez-vous au moins"), default=0, validators=[InputRequired(REQUIRED), CAP_RANGE]
    )

    def validate_min_meetings(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.max_meetings.data is not None
            and not self.max_meetings.errors
            and field.data > self.max_meetings.data
        ):
            raise ValidationError(_l("Le minimum ne peut dépasser le maximum."))


class ParticipantsForm(FlaskForm):
    rows = FieldList(FormField(ParticipantRowForm))
    submit = SubmitField(_l("Enregistrer les réglages"))
