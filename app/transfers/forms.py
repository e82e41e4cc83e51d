"""Import form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV ou XLSX"),
        validators=[
            FileRequired(_l("Choisissez un fichier.")),
            FileAllowed(["csv", "xlsx", "xlsm"], _l("Le fichier doit être au format CSV ou XLSX.")),
        ],
    )
    dry_run = BooleanField(_l("Essai à blanc (vérifier sans rien enregistrer)"), default=True)
    submit = SubmitField(_l("Importer"))
