"""What the set-up blueprint's view modules share: the event lookup that answers 404 and the
French sentences of the set-up services' error codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import format_wall_time
from app.models import Event
from app.services import setup as service
from app.services.setup.base import SetupError


def event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _hm(value: str) -> str:
    """The service's « 14:20 » parameters written as the pages write times."""
    return format_wall_time(datetime.strptime(value, "%H:%M").time())


def setup_message(error: SetupError, event: Event | None = None) -> str:
    p = error.params
    messages: dict[str, Any] = {
        "not_found": lambda: _("Cet élément n'existe pas ou plus."),
        "title_required": lambda: _("Indiquez le titre de l'événement."),
        "bad_timezone": lambda: _(
            "Fuseau horaire inconnu : indiquez un nom IANA comme Europe/Paris."
        ),
        "clock_change": lambda: _(
            "L'heure %(at)s n'existe pas ou existe deux fois ce jour-là (changement d'heure) : "
            "choisissez une autre heure.",
            at=_hm(p["at"]),
        ),
        "timezone_in_use": lambda: _(
            "Le fuseau horaire ne peut plus changer : des créneaux sont déjà utilisés "
            "(planning, indisponibilités ou ateliers)."
        ),
        "bad_transition": lambda: _("Ce changement d'étape n'est pas possible."),
        "no_slots": lambda: _(
            "Ajoutez au moins une journée et ses créneaux avant d'ouvrir les candidatures."
        ),
        "has_participants": lambda: _(
            "L'événement a déjà %(n)s participant(s) : il ne peut plus redevenir un brouillon.",
            n=p["n"],
        ),
        "grid_order": lambda: _("La fin de la journée doit suivre son début."),
        "slot_length": lambda: _("Un créneau dure entre 5 et 240 minutes."),
        "pause_order": lambda: _(
            "La pause de %(start)s finit avant de commencer.", start=_hm(p["start"])
        ),
        "pause_outside": lambda: _(
            "La pause de %(start)s déborde de la journée.", start=_hm(p["start"])
        ),
        "pause_overlap": lambda: _(
            "La pause de %(start)s chevauche une autre pause.", start=_hm(p["start"])
        ),
        "no_slot": lambda: _("Aucun créneau ne tient dans cette journée : allongez-la."),
        "day_exists": lambda: _("Cette date a déjà sa journée : modifiez-la plutôt."),
        "slots_booked": lambda: _(
            "Refusé, rien n'a changé : des créneaux à supprimer sont utilisés par un planning "
            "(%(versions)s). Un planning fait partie du dossier de l'événement et n'est jamais "
            "réécrit par un changement de grille ; vous pouvez seulement ajouter des créneaux.",
            versions=versions_text(p["use"]),
        ),
        "confirm_losses": lambda: _(
            "Des créneaux à supprimer sont utilisés : cochez la confirmation pour les "
            "supprimer avec ce qui s'y rattache."
        ),
        "name_required": lambda: _("Indiquez un nom."),
        "name_taken": lambda: _("Ce nom est déjà pris : %(name)s.", name=p["name"]),
        "bad_count": lambda: _("Nombre de tables invalide."),
        "location_in_use": lambda: _(
            "« %(name)s » est utilisé (%(use)s) : rien n'a changé.",
            name=p["name"],
            use=location_use_text(p.get("use")),
        ),
    }
    make = messages.get(error.code)
    return str(make()) if make else _("La modification a été refusée.")


def versions_text(use: service.SlotUse) -> str:
    labels = {
        "draft": _("brouillon"),
        "published": _("publiée"),
        "superseded": _("remplacée"),
        "discarded": _("abandonnée"),
    }
    return ", ".join(
        _("version %(n)s %(status)s : %(count)s activité(s)", n=n, status=labels[s], count=c)
        for n, s, c in use.versions
    )


def location_use_text(use: service.LocationUse | None) -> str:
    if use is None:
        return _("planning ou table gardée")
    parts = []
    if use.versions:
        parts.append(
            _("rendez-vous dans les versions %(v)s", v=", ".join(str(v) for v in use.versions))
        )
    if use.pinned_by:
        parts.append(_("table gardée par %(names)s", names=", ".join(use.pinned_by)))
    if use.workshops:
        parts.append(_("salle de l'atelier %(names)s", names=", ".join(use.workshops)))
    return "\u202f; ".join(parts)
