"""Company profile and application forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations
from wtforms import (
    BooleanField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.forms import RegisterForm
from app.models import Priority
from app.validators import CpvCodes, Departement, Siret

REQUIRED = _l("Ce champ est obligatoire.")
WISHES = 5  # rows offered on the application form


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Nom de l'entreprise"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    siret = StringField(_l("Numéro SIRET"), validators=[DataRequired(REQUIRED), Siret()])
    size = RegisterForm.size
    departement = StringField(_l("Département"), validators=[Departement()])
    is_ess = BooleanField(_l("Structure de l'économie sociale et solidaire (ESS)"))
    is_siae = BooleanField(_l("Structure d'insertion par l'activité économique (SIAE)"))
    is_ea_esat = BooleanField(_l("Entreprise adaptée ou ESAT"))
    is_mission_company = BooleanField(_l("Société à mission"))
    cpv = StringField(_l("Codes CPV de votre offre"), validators=[CpvCodes()])
    offer = TextAreaField(_l("Votre offre"), validators=[Length(max=5000)], render_kw={"rows": 5})
    website = URLField(
        _l("Site web"),
        validators=[Optional(), URL(message=_l("Indiquez une adresse web complète (https://…)."))],
    )
    submit = SubmitField(_l("Enregistrer le profil"))


PRIORITIES = [
    SelectChoice(Priority.MUST.value, _l("Indispensable")),
    SelectChoice(Priority.WANT.value, _l("Souhaité")),
    SelectChoice(Priority.MAYBE.value, _l("Éventuel")),
]


class WishForm(Form):
    """One wish row, a sub-form without its own CSRF token."""

    class Meta:
        # A plain sub-form does not get Flask-WTF's translations: French built-in messages
        # ("N'est pas un choix valide.") need them.
        def get_translations(self, form: Form) -> object:
            return translations

    target = SelectField(_l("Acheteur ou besoin"), validate_choice=False)
    priority = SelectField(_l("Priorité"), choices=PRIORITIES, default=Priority.WANT.value)
    pitch = TextAreaField(
        _l("Pourquoi ce rendez-vous\u202f? (court argumentaire)"),
        validators=[Length(max=500)],
        render_kw={"rows": 2},
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ApplicationForm(FlaskForm):
    wish_1 = FormField(WishForm, label=_l("Vœu 1"))
    wish_2 = FormField(WishForm, label=_l("Vœu 2"))
    wish_3 = FormField(WishForm, label=_l("Vœu 3"))
    wish_4 = FormField(WishForm, label=_l("Vœu 4"))
    wish_5 = FormField(WishForm, label=_l("Vœu 5"))
    pitch = TextAreaField(
        _l("Présentation de votre candidature"),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )
    workshops = MultiCheckboxField(_l("Ateliers qui vous intéressent"), coerce=int)
    unavailable = MultiCheckboxField(_l("Créneaux où vous n'êtes pas disponible"), coerce=int)
    attendees = IntegerField(
        _l("Nombre de personnes présentes"),
        default=1,
        validators=[
            DataRequired(REQUIRED),
            NumberRange(1, 5, message=_l("Entre 1 et 5 personnes.")),
        ],
    )
    is_first_time = BooleanField(_l("Première participation à ce type de rencontre"))
    submit = SubmitField(_l("Envoyer ma candidature"))

    @property
    def wish_forms(self) -> list[FormField]:
        return [self[f"wish_{n}"] for n in range(1, WISHES + 1)]
