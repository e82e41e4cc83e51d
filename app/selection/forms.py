"""Selection forms: a selection run's settings and an individual decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.applications.forms import MultiCheckboxField
from app.i18n import format_time_local
from app.models import Event, LocationKind

REQUIRED = _l("Ce champ est obligatoire.")


class RunForm(FlaskForm):
    quota_percent = IntegerField(
        _l("Part minimale de la sélection (en %)"),
        default=30,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 100, message=_l("Indiquez un pourcentage entre 0 et 100.")),
        ],
    )
    quota_ess = BooleanField(_l("Structures de l'ESS (dont SIAE)"), default=True)
    quota_small = BooleanField(_l("Micro-entreprises et PME"), default=True)
    per_buyer = IntegerField(
        _l("Entreprises au plus par acheteur (facultatif)"),
        validators=[
            Optional(),
            NumberRange(1, 1000, message=_l("Indiquez un nombre entre 1 et 1 000.")),
        ],
    )
    simulate = SubmitField(_l("Simuler la sélection"))
    confirm = SubmitField(_l("Appliquer cette sélection"))

    def validate_quota_ess(self, field: BooleanField) -> None:
        if self.quota_percent.data and not (self.quota_ess.data or self.quota_small.data):
            raise ValidationError(_l("Choisissez au moins une catégorie pour le quota."))


DECISIONS = [
    SelectChoice("selected", _l("Sélectionner")),
    SelectChoice("waitlisted", _l("Mettre en liste d'attente")),
    SelectChoice("declined", _l("Ne pas retenir")),
]


class DecisionForm(FlaskForm):
    status = SelectField(_l("Décision"), choices=DECISIONS)
    reason = StringField(
        _l("Motif"),
        validators=[DataRequired(_l("Indiquez le motif de la décision.")), Length(max=500)],
    )
    submit = SubmitField(_l("Enregistrer la décision"))


class WorkshopForm(FlaskForm):
    title = StringField(
        _l("Thème de l'atelier"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    theme = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    min_size = IntegerField(
        _l("Participants au minimum"),
        default=0,
        validators=[InputRequired(REQUIRED), NumberRange(0, 500, message=_l("Entre 0 et 500."))],
    )
    max_size = IntegerField(
        _l("Places (entreprises au plus)"),
        validators=[Optional(), NumberRange(1, 500, message=_l("Entre 1 et 500."))],
    )
    location_id = SelectField(_l("Salle"), coerce=int)
    slots = MultiCheckboxField(_l("Créneaux de l'atelier"), coerce=int)
    submit = SubmitField(_l("Créer l'atelier"))

    def validate_max_size(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.min_size.data is not None
            and field.data < self.min_size.data
        ):
            raise ValidationError(_l("Le nombre de places ne peut être inférieur au minimum."))

    def validate_slots(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choisissez au moins un créneau."))


def fill_workshop_choices(form: WorkshopForm, event: Event) -> WorkshopForm:
    """The event's rooms and slots as the workshop form's choices (create and edit pages)."""
    form.location_id.choices = [SelectChoice(0, _l("— à préciser —"))] + [
        SelectChoice(loc.id, loc.name) for loc in event.locations if loc.kind is LocationKind.ROOM
    ]
    form.slots.choices = [
        SelectChoice(
            s.id,
            f"{format_time_local(s.starts_at, event.timezone)} – "
            f"{format_time_local(s.ends_at, event.timezone)}",
        )
        for s in event.slots
    ]
    return form
