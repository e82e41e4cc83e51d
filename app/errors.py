"""Error pages: never a bare 500, always a French page with a way back."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        message = _("Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        messages = {
            400: _("La demande n'est pas valide."),
            401: _("Connectez-vous pour accéder à cette page."),
            403: _("Vous n'avez pas accès à cette page."),
            404: _("Cette page n'existe pas."),
            405: _("Cette action n'est pas permise ici."),
            413: _("Le fichier envoyé est trop volumineux."),
            429: _("Trop de demandes : réessayez dans quelques minutes."),
        }
        # Werkzeug's own descriptions are English: never show them to users.
        message = messages.get(code, _("La demande n'a pas pu aboutir."))
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        db.session.rollback()
        app.logger.exception("unexpected error")
        message = _("Une erreur inattendue s'est produite. Rien n'a été enregistré.")
        return render_template("errors/error.html", code=500, message=message), 500
