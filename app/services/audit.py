"""Writing the audit log (floor 0: every service package may import it; it imports only models)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEntry


def record(
    action: str,
    *,
    actor_id: int | None,
    event_id: int | None = None,
    target: Any = None,
    reason: str = "",
    **details: Any,
) -> AuditEntry:
    """Add an audit entry: who (`actor_id`, None for the system), what, on which object, why."""
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        event_id=event_id,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        details=details,
        reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
