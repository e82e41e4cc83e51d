"""Login, logout, company registration, password reset and buyer invitations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import role_required
from app.auth.forms import (
    ForgotPasswordForm,
    InviteBuyerForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.extensions import db, login_manager
from app.models import CompanySize, Organisation, OrganisationKind, Role, User
from app.redirects import safe_next
from app.services import accounts, mail

bp = Blueprint("auth", __name__, url_prefix="/compte")

RESET = "password-reset"
INVITE = "buyer-invitation"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session stores `id:session_token`; a rotated token logs the session out."""
    raw_id, _sep, token = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_token != token:
        return None
    return user


def _token_message(error: accounts.AccountError) -> str:
    if str(error) == "token_expired":
        return _("Ce lien a expiré. Demandez-en un nouveau.")
    return _("Ce lien n'est pas valide ou a déjà servi.")


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data or "")
        if user is None or not user.check_password(form.password.data or "") or not user.is_active:
            # Same message whatever failed: do not reveal which addresses have an account.
            form.password.errors.append(_("Adresse ou mot de passe incorrect."))
        else:
            login_user(user, remember=bool(form.remember.data))
            accounts.mark_login(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("main.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("main.index"))


@bp.route("/inscription", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        data = accounts.CompanyRegistration(
            email=form.email.data or "",
            password=form.password.data or "",
            full_name=form.full_name.data or "",
            company_name=form.company_name.data or "",
            siret=form.siret.data or "",
            size=CompanySize(form.size.data),
            departement=form.departement.data or "",
            is_ess=bool(form.is_ess.data),
        )
        try:
            user = accounts.register_company(data)
        except accounts.AccountError as error:
            db.session.rollback()
            if str(error) == "email_taken":
                form.email.errors.append(_("Un compte existe déjà avec cette adresse."))
            else:
                form.siret.errors.append(_("Cette entreprise (SIRET) a déjà un compte."))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Bienvenue ! Votre compte est créé."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/register.html", form=form)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data or "")
        if user is not None and user.is_active and user.password_hash is not None:
            link = url_for(
                "auth.reset_password", token=accounts.make_token(user, RESET), _external=True
            )
            # Mail in the recipient's language: their saved choice, else this page's.
            with force_locale(user.locale or str(get_locale() or "fr")):
                body = _(
                    "Bonjour,\n\nPour choisir un nouveau mot de passe Entremise, ouvrez ce lien "
                    "(valable une heure) :\n%(link)s\n\nSi vous n'avez rien demandé, ignorez "
                    "ce message.\n",
                    link=link,
                )
                subject = _("Entremise : nouveau mot de passe")
            mail.send(user.email, subject, body)
        # The same answer whether or not the address is known.
        flash(_("Si un compte existe pour cette adresse, un lien vient d'y être envoyé."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        user = accounts.read_token(token, RESET, current_app.config["PASSWORD_RESET_MAX_AGE"])
    except accounts.AccountError as error:
        flash(_token_message(error), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data or "", reason="reset")
        db.session.commit()
        flash(_("Votre mot de passe est changé. Connectez-vous."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, title=_("Nouveau mot de passe"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    try:
        user = accounts.read_token(token, INVITE, current_app.config["INVITATION_MAX_AGE"])
    except accounts.AccountError as error:
        flash(_token_message(error), "danger")
        return redirect(url_for("auth.login"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data or "", reason="invitation")
        db.session.commit()
        login_user(user)
        flash(_("Bienvenue ! Votre compte acheteur est activé."), "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/reset.html", form=form, title=_("Activer mon compte acheteur"))


@bp.route("/inviter-un-acheteur", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def invite_buyer() -> ResponseReturnValue:
    form = InviteBuyerForm()
    buyers = db.session.execute(
        db.select(Organisation)
        .where(Organisation.kind != OrganisationKind.COMPANY)
        .order_by(Organisation.name)
    ).scalars()
    form.organisation_id.choices = [SelectChoice(o.id, o.display_name) for o in buyers]
    if form.validate_on_submit():
        try:
            user = accounts.invite_buyer(
                inviter_id=current_user.id,
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                organisation_id=form.organisation_id.data,
            )
        except accounts.AccountError:
            db.session.rollback()
            form.email.errors.append(_("Un compte existe déjà avec cette adresse."))
        else:
            link = url_for(
                "auth.accept_invitation", token=accounts.make_token(user, INVITE), _external=True
            )
            # The invitee has not chosen a language yet: the platform's default (French).
            with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                body = _(
                    "Bonjour %(name)s,\n\n%(inviter)s vous invite à rejoindre Entremise pour "
                    "préparer vos rendez-vous avec les entreprises. Choisissez votre mot de passe "
                    "(lien valable 7 jours) :\n%(link)s\n",
                    name=user.full_name,
                    inviter=current_user.full_name or current_user.email,
                    link=link,
                )
                subject = _("Invitation sur Entremise")
            mail.send(user.email, subject, body)
            db.session.commit()
            flash(_("Invitation envoyée à %(email)s.", email=user.email), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/invite.html", form=form)
