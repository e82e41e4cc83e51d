"""The mailing of an event's invitations: progress, failed e-mails and "retry failed".

Invitations and cancellations are queued by publication (`app.services.invitations`) and sent
by the background worker; this page lets the organiser follow them and queue failed ones again.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.agenda.common import event_or_404
from app.agenda.forms import ActionForm
from app.agenda.routes import bp
from app.auth.access import role_required
from app.extensions import db
from app.models import OutboxMethod, OutboxStatus, Role
from app.services.mail import delivery

MAIL_STATUS = {
    OutboxStatus.PENDING: (_l("En attente d'envoi"), "secondary"),
    OutboxStatus.SENDING: (_l("En cours d'envoi"), "info"),
    OutboxStatus.SENT: (_l("Envoyés"), "success"),
    OutboxStatus.FAILED: (_l("En échec"), "danger"),
    OutboxStatus.SUPERSEDED: (_l("Remplacés par un envoi plus récent"), "light"),
}
MAIL_METHOD = {
    OutboxMethod.REQUEST: _l("Invitation"),
    OutboxMethod.CANCEL: _l("Annulation"),
}


@bp.get("/evenements/<int:event_id>/envois")
@role_required(Role.ORGANISER)
def mailing(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    return render_template(
        "agenda/mailing.html",
        event=event,
        progress=delivery.progress(event.id),
        statuses=[(status, str(label), colour) for status, (label, colour) in MAIL_STATUS.items()],
        methods={method: str(label) for method, label in MAIL_METHOD.items()},
        form=ActionForm(),
    )


@bp.post("/evenements/<int:event_id>/envois/relancer")
@role_required(Role.ORGANISER)
def retry_mailing(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if ActionForm().validate_on_submit():
        count = delivery.retry_failed(event.id, actor_id=current_user.id)
        db.session.commit()
        if count:
            flash(_("E-mails remis en file d'envoi : %(n)s.", n=count), "success")
        else:
            flash(_("Aucun e-mail en échec à relancer."), "info")
    return redirect(url_for("agenda.mailing", event_id=event.id))
