"""Event set-up by organisers: the event, its days and slot grid, tables and rooms, and
participants' scheduling settings; the public listing of events.

Owns: `base` (SetupError, the limits, the event lookup, time zones), `events`, `days`,
`locations`, `participants`, `listing` (public list, summaries, the demo's slot grid). Every
change is validated here, written with `flush()` (the route commits) and audited. May import:
models, `app.services.audit`. Imported by `sourcing`, `agenda`, `demo`; imports none of them.

The names below are the ones the set-up pages use.
"""

from app.services.setup.base import MAX_CAP, MAX_SLOT_MINUTES, MIN_SLOT_MINUTES, SetupError
from app.services.setup.days import (
    DaySpec,
    GridPreview,
    PauseSpec,
    SlotUse,
    delete_day,
    plan_slots,
    preview_day,
    save_day,
    stored_boundary,
)
from app.services.setup.events import (
    TRANSITIONS,
    EventData,
    change_status,
    create_event,
    is_valid_timezone,
    update_event,
)
from app.services.setup.locations import (
    LocationUse,
    add_location,
    add_tables,
    delete_location,
    location_use,
    move_location,
    update_location,
)
from app.services.setup.participants import (
    ParticipantSettings,
    SettingsInvalid,
    participants_page,
    scheduling_participants,
    update_participant_settings,
)

__all__ = [
    "MAX_CAP",
    "MAX_SLOT_MINUTES",
    "MIN_SLOT_MINUTES",
    "TRANSITIONS",
    "DaySpec",
    "EventData",
    "GridPreview",
    "LocationUse",
    "ParticipantSettings",
    "PauseSpec",
    "SettingsInvalid",
    "SetupError",
    "SlotUse",
    "add_location",
    "add_tables",
    "change_status",
    "create_event",
    "delete_day",
    "delete_location",
    "is_valid_timezone",
    "location_use",
    "move_location",
    "participants_page",
    "plan_slots",
    "preview_day",
    "save_day",
    "scheduling_participants",
    "stored_boundary",
    "update_event",
    "update_location",
    "update_participant_settings",
]
