"""Buyer answer and invitation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

ANSWERS = [
    SelectChoice("yes", _l("Oui")),
    SelectChoice("maybe", _l("Peut-être")),
    SelectChoice("no", _l("Non")),
]


class AnswerForm(FlaskForm):
    answer = RadioField(
        _l("Votre réponse"),
        choices=ANSWERS,
        validators=[DataRequired(_l("Choisissez oui, peut-être ou non."))],
    )
    reason = StringField(_l("Commentaire (facultatif)"), validators=[Length(max=300)])
    submit = SubmitField(_l("Répondre"))


class InviteForm(FlaskForm):
    company_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Inviter"))
