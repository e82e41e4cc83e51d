"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.models import CompanySize
from app.validators import Departement, Siret, StrongPassword

REQUIRED = _l("Ce champ est obligatoire.")
EMAIL = _l("Indiquez une adresse électronique valide.")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse électronique"), validators=[DataRequired(REQUIRED), Email(EMAIL)]
    )
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Rester connecté"))
    submit = SubmitField(_l("Se connecter"))


class PasswordFields(FlaskForm):
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(REQUIRED), StrongPassword()]
    )
    confirm = PasswordField(
        _l("Confirmer le mot de passe"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
    )


class RegisterForm(PasswordFields):
    full_name = StringField(_l("Votre nom"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("Adresse électronique"), validators=[DataRequired(REQUIRED), Email(EMAIL)]
    )
    company_name = StringField(
        _l("Nom de l'entreprise"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    siret = StringField(_l("Numéro SIRET"), validators=[DataRequired(REQUIRED), Siret()])
    size = SelectField(
        _l("Taille de l'entreprise"),
        choices=[
            SelectChoice(CompanySize.MICRO.value, _l("Microentreprise (moins de 10 salariés)")),
            SelectChoice(CompanySize.PME.value, _l("PME (moins de 250 salariés)")),
            SelectChoice(CompanySize.ETI.value, _l("ETI (moins de 5 000 salariés)")),
            SelectChoice(CompanySize.GE.value, _l("Grande entreprise")),
        ],
        validators=[DataRequired(REQUIRED)],
    )
    departement = StringField(_l("Département"), validators=[Departement()])
    is_ess = BooleanField(_l("Structure de l'économie sociale et solidaire (ESS)"))
    submit = SubmitField(_l("Créer mon compte"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Adresse électronique"), validators=[DataRequired(REQUIRED), Email(EMAIL)]
    )
    submit = SubmitField(_l("Recevoir un lien"))


class ResetPasswordForm(PasswordFields):
    submit = SubmitField(_l("Enregistrer le mot de passe"))


class InviteBuyerForm(FlaskForm):
    full_name = StringField(_l("Nom de l'acheteur"), validators=[DataRequired(REQUIRED)])
    email = EmailField(
        _l("Adresse électronique"), validators=[DataRequired(REQUIRED), Email(EMAIL)]
    )
    organisation_id = SelectField(
        _l("Direction ou organisme acheteur"), coerce=int, validators=[DataRequired(REQUIRED)]
    )
    submit = SubmitField(_l("Envoyer l'invitation"))
