"""Forms of the needs catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.models import AmountBand
from app.validators import CpvCodes

REQUIRED = _l("Ce champ est obligatoire.")

AMOUNT_BANDS = [
    SelectChoice("", _l("Non précisé")),
    SelectChoice(AmountBand.UNDER_40K.value, _l("Moins de 40 000 € HT")),
    SelectChoice(AmountBand.FROM_40K_TO_90K.value, _l("De 40 000 à 90 000 € HT")),
    SelectChoice(AmountBand.FROM_90K_TO_EU.value, _l("De 90 000 € HT aux seuils européens")),
    SelectChoice(AmountBand.EU_TO_5M.value, _l("Des seuils européens à 5 M€ HT")),
    SelectChoice(AmountBand.OVER_5M.value, _l("Plus de 5 M€ HT")),
]

CPV_HELP = _l(
    "Codes à 8 chiffres séparés par des espaces ou des virgules, par exemple 45233221, 34993000."
)


class NeedForm(FlaskForm):
    buyer_organisation_id = SelectField(
        _l("Acheteur"), coerce=int, validators=[DataRequired(REQUIRED)]
    )
    title = StringField(_l("Intitulé"), validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    cpv = StringField(_l("Codes CPV"), validators=[CpvCodes(required=True)])
    expected_date = DateField(
        _l("Date prévue de la consultation"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    amount_band = SelectField(_l("Montant estimé"), choices=AMOUNT_BANDS)
    has_insertion_clause = BooleanField(_l("Clause d'insertion sociale"))
    is_reserved_market = BooleanField(_l("Marché réservé (SIAE, EA, ESAT)"))
    has_environmental_criterion = BooleanField(_l("Critère environnemental"))
    has_sme_lots = BooleanField(_l("Lots accessibles aux PME"))
    is_published = BooleanField(_l("Publier ce besoin sur la page de l'événement"), default=True)
    submit = SubmitField(_l("Enregistrer le besoin"))
