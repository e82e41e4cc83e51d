"""E-mail invitations: what publication queues in the outbox, and how the sender sends it."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy.exc import IntegrityError

from app import create_app, ical
from app.extensions import db
from app.models import (
    AuditEntry,
    Meeting,
    OutboxKind,
    OutboxMessage,
    OutboxMethod,
    OutboxStatus,
)
from app.services import mail, worker
from app.services.mail import delivery, invitations
from tests.invitation_helpers import (
    BUYER_EMAILS,
    COMPANY_EMAILS,
    ORGANISER_MAILBOX,
    calendar_part,
    make_scenario,
    publish,
    rows,
    vevent,
)

FIRST = [(0, 0, 0), (1, 1, 0), (2, 2, 0)]  # three meetings of the buyer, table 1
# Version 2: meeting 2 changes table, meeting 3 is taken out, meeting 1 stays.
SECOND = [(0, 0, 0), (1, 1, 1)]
T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def scn(app):
    return make_scenario()


def _meeting(version, request) -> Meeting:
    return next(m for m in version.meetings if m.request_id == request.id)


def _recipients(request_index: int) -> set[str]:
    return {*BUYER_EMAILS, COMPANY_EMAILS[request_index]}


# --------------------------------------------------------------------------- enqueue


def test_first_publication_queues_one_request_per_account_and_meeting(scn):
    version, _ = publish(scn, FIRST)
    queued = rows()
    assert len(queued) == 9
    for i, request in enumerate(scn.requests):
        meeting = _meeting(version, request)
        mine = [r for r in queued if r.meeting_uid == meeting.uid]
        assert {r.recipient for r in mine} == _recipients(i)
        assert {(r.method, r.kind, r.sequence, r.status, r.attempts) for r in mine} == {
            (OutboxMethod.REQUEST, OutboxKind.NEW, 0, OutboxStatus.PENDING, 0)
        }
        assert {r.version_id for r in mine} == {version.id}
    # RFC 5546's rules for METHOD:REQUEST hold for every file queued.
    assert {ical.itip_violations(r.ics.encode()) for r in queued} == {()}


def test_inactive_account_and_organising_mailbox_get_nothing(scn):
    publish(scn, FIRST)
    recipients = {r.recipient for r in rows()}
    assert recipients == {*BUYER_EMAILS, *COMPANY_EMAILS}
    assert ORGANISER_MAILBOX not in recipients


def test_publication_rolled_back_leaves_no_mail(scn):
    publish(scn, FIRST, commit=False)
    assert len(rows()) == 9
    db.session.rollback()
    assert rows() == []


def test_republishing_an_unchanged_agenda_queues_nothing(scn):
    publish(scn, FIRST)
    _, changes = publish(scn, FIRST)
    assert changes.changes == ()
    assert len(rows()) == 9


def test_enqueueing_the_same_publication_twice_adds_nothing(scn):
    version, changes = publish(scn, FIRST)
    assert invitations.enqueue_publication(version, None, changes) == 0
    assert len(rows()) == 9


def test_database_refuses_a_second_row_for_the_same_change(scn):
    publish(scn, FIRST)
    first = rows()[0]
    db.session.add(
        OutboxMessage(
            event_id=first.event_id,
            recipient=first.recipient,
            meeting_uid=first.meeting_uid,
            sequence=first.sequence,
            method=first.method,
            kind=first.kind,
            subject="x",
            body="x",
            ics="x",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_moved_meeting_queues_a_request_with_the_same_uid_and_a_higher_sequence(scn):
    v1, _ = publish(scn, FIRST)
    uid = _meeting(v1, scn.requests[1]).uid
    v2, _ = publish(scn, SECOND, unscheduled=(2,))
    moved = _meeting(v2, scn.requests[1])
    assert (moved.uid, moved.sequence) == (uid, 1)
    new = rows(meeting_uid=uid, sequence=1)
    assert {r.recipient for r in new} == _recipients(1)
    assert {(r.method, r.kind, r.version_id) for r in new} == {
        (OutboxMethod.REQUEST, OutboxKind.MOVED, v2.id)
    }
    body = next(r for r in new if r.recipient == COMPANY_EMAILS[1]).body
    assert "Où : Table 2\n" in body
    assert (
        "Auparavant : mardi 16 mars 2027, 14\u00a0h\u00a020 – 14\u00a0h\u00a040, Table 1\n" in body
    )
    # Unchanged meeting 1: nothing new.
    assert len(rows(meeting_uid=_meeting(v2, scn.requests[0]).uid)) == 3


def test_removed_meeting_queues_a_cancel_above_the_published_sequence(scn):
    v1, _ = publish(scn, FIRST)
    uid = _meeting(v1, scn.requests[2]).uid
    publish(scn, SECOND, unscheduled=(2,))
    cancels = rows(meeting_uid=uid, method=OutboxMethod.CANCEL)
    assert {r.recipient for r in cancels} == _recipients(2)
    assert {(r.sequence, r.kind) for r in cancels} == {(1, OutboxKind.CANCELLED)}
    event = vevent(ical_calendar(cancels[0].ics))
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (
        uid,
        1,
        "CANCELLED",
    )
    # The cancellation describes the meeting as it was announced (slot 3, table 1).
    assert str(event["LOCATION"]) == "Table 1"
    assert event.DTSTART.astimezone(UTC) == scn.event.slots[2].starts_at
    assert ical.itip_violations(cancels[0].ics.encode()) == ()


def test_meeting_missing_from_the_new_version_is_cancelled_with_the_next_sequence(scn):
    v1, _ = publish(scn, FIRST)
    uid = _meeting(v1, scn.requests[2]).uid
    publish(scn, SECOND)  # request 3 appears neither placed nor unscheduled
    assert {(r.method, r.sequence) for r in rows(meeting_uid=uid, sequence=1)} == {
        (OutboxMethod.CANCEL, 1)
    }


def test_cancelled_then_placed_again_queues_a_new_request(scn):
    v1, _ = publish(scn, FIRST)
    uid = _meeting(v1, scn.requests[2]).uid
    publish(scn, SECOND, unscheduled=(2,))
    publish(scn, FIRST)
    assert [(r.method, r.sequence) for r in rows(meeting_uid=uid, recipient=BUYER_EMAILS[0])] == [
        (OutboxMethod.REQUEST, 0),
        (OutboxMethod.CANCEL, 1),
        (OutboxMethod.REQUEST, 2),
    ]


def test_publish_audit_records_the_number_of_mails_queued(scn):
    publish(scn, FIRST)
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "schedule.publish")
    ).scalar_one()
    assert entry.details["mails_queued"] == 9


def ical_calendar(text: str):
    import icalendar

    return icalendar.Calendar.from_ical(text)


# --------------------------------------------------------------------------- the message


def test_message_has_the_calendar_as_alternative_with_the_files_method(scn):
    version, _ = publish(scn, FIRST)
    row = rows(recipient=COMPANY_EMAILS[1])[0]
    message = message_from_bytes(
        invitations.build_email(row, now=T0).as_bytes(), policy=policy.default
    )
    assert message.get_content_type() == "multipart/mixed"
    alternative = message.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/calendar",
    ]
    method, calendar = calendar_part(message)
    assert method == str(calendar["METHOD"]) == "REQUEST"
    assert alternative.get_payload()[1].get_param("charset") == "utf-8"
    event = vevent(calendar)
    meeting = _meeting(version, scn.requests[1])
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, meeting.sequence)
    assert event.DTSTART.astimezone(UTC) == meeting.slot.starts_at
    assert event.DTEND.astimezone(UTC) == meeting.slot.ends_at
    attendees = sorted(str(a).removeprefix("mailto:") for a in event["ATTENDEE"])
    assert attendees == sorted(_recipients(1))
    assert str(event["ORGANIZER"]) == f"mailto:{ORGANISER_MAILBOX}"
    assert message["To"] == COMPANY_EMAILS[1]
    assert message["Message-ID"] == f"<outbox-{row.id}-request@entremise.localhost>"


def test_message_attaches_the_same_file_as_invite_ics(scn):
    publish(scn, FIRST)
    row = rows()[0]
    message = message_from_bytes(invitations.build_email(row).as_bytes(), policy=policy.default)
    attachments = list(message.iter_attachments())
    assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
        ("application/ics", "invite.ics")
    ]
    data = attachments[0].get_content()
    assert data == row.ics.encode()
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF line ends kept (RFC 5545)


def test_message_body_is_french_with_the_event_time_place_and_other_party(scn):
    publish(scn, FIRST)
    buyer_row = rows(recipient=BUYER_EMAILS[0])[1]  # meeting 2, with « Béta, SARL; « Ouest » »
    message = message_from_bytes(
        invitations.build_email(buyer_row).as_bytes(), policy=policy.default
    )
    assert message["Subject"] == (
        "Nouveau rendez-vous avec Béta, SARL; « Ouest » — "
        "mardi 16 mars 2027, 14\u00a0h\u00a020 – 14\u00a0h\u00a040"
    )
    body = message.get_body(("plain",)).get_content()
    assert body == (
        "Bonjour,\n\n"
        "Un rendez-vous vous est attribué pour « Test event ».\n\n"
        "Avec : Béta, SARL; « Ouest »\n"
        "Quand : mardi 16 mars 2027, 14\u00a0h\u00a020 – 14\u00a0h\u00a040 "
        "(heure de Europe/Paris)\n"
        "Où : Table 1\n\n"
        "L'invitation jointe (invite.ics) ajoute ce rendez-vous à votre agenda ou le met à "
        "jour.\n"
        f"Contact : Entremise <{ORGANISER_MAILBOX}>\n"
    )
    _method, calendar = calendar_part(message)
    assert "Béta, SARL; « Ouest »" in str(vevent(calendar)["SUMMARY"])


def test_cancel_message_says_cancel_in_the_content_type_and_the_file(scn):
    publish(scn, FIRST)
    publish(scn, SECOND, unscheduled=(2,))
    row = rows(method=OutboxMethod.CANCEL)[0]
    message = message_from_bytes(invitations.build_email(row).as_bytes(), policy=policy.default)
    method, calendar = calendar_part(message)
    assert method == str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent(calendar)["STATUS"]) == "CANCELLED"
    assert message["Subject"].startswith("Rendez-vous annulé avec ")


def test_english_account_gets_english_dates_and_calendar_text(scn):
    from app.models import User

    user = db.session.execute(db.select(User).filter_by(email=COMPANY_EMAILS[0])).scalar_one()
    user.locale = "en"
    db.session.commit()
    publish(scn, FIRST)
    row = rows(recipient=COMPANY_EMAILS[0])[0]
    _method, calendar = calendar_part(invitations.build_email(row))
    assert str(vevent(calendar)["SUMMARY"]).startswith("Meeting")
    # Dates follow the account's language; the sentences follow once the `en` catalogue has
    # them (the catalogues are regenerated after merging).
    assert "Tuesday, March 16, 2027, 2:00 PM – 2:20 PM" in row.body


# --------------------------------------------------------------------------- sending


def test_drain_sends_every_due_mail_once_and_marks_it_sent(scn, app):
    publish(scn, FIRST)
    report = delivery.drain()
    assert report == delivery.SendReport(sent=9)
    assert sorted(m["To"] for m in mail.outbox()) == sorted([*BUYER_EMAILS * 3, *COMPANY_EMAILS])
    assert {(r.status, r.attempts) for r in rows()} == {(OutboxStatus.SENT, 1)}
    assert all(r.sent_at is not None for r in rows())
    assert delivery.drain() == delivery.SendReport()
    assert len(mail.outbox()) == 9


def _failing(error: Exception):
    def deliver(session, message):  # mail.Session.deliver: the outbox sends through a session
        raise error

    return deliver


def test_failed_send_is_retried_with_exponential_backoff_then_given_up(scn, app, monkeypatch):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_SECONDS=60)
    publish(scn, FIRST)
    first = rows()[0]
    first.next_attempt_at = T0
    db.session.query(OutboxMessage).filter(OutboxMessage.id != first.id).delete()
    db.session.commit()
    monkeypatch.setattr(mail.Session, "deliver", _failing(ConnectionRefusedError(111, "refused")))

    assert delivery.drain(now=T0) == delivery.SendReport(retrying=1)
    row = db.session.get(OutboxMessage, first.id)
    assert (row.status, row.attempts, row.next_attempt_at) == (
        OutboxStatus.PENDING,
        1,
        T0 + timedelta(seconds=60),
    )
    assert row.last_error == "ConnectionRefusedError: [Errno 111] refused"
    # Not due yet: nothing is tried.
    assert delivery.drain(now=T0 + timedelta(seconds=59)) == delivery.SendReport()
    t1 = T0 + timedelta(seconds=60)
    assert delivery.drain(now=t1) == delivery.SendReport(retrying=1)
    row = db.session.get(OutboxMessage, first.id)
    assert (row.attempts, row.next_attempt_at) == (2, t1 + timedelta(seconds=120))
    t2 = t1 + timedelta(seconds=120)
    assert delivery.drain(now=t2) == delivery.SendReport(failed=1)
    row = db.session.get(OutboxMessage, first.id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert mail.outbox() == []

    # By hand: queued again with a fresh count, then sent.
    monkeypatch.undo()
    assert delivery.retry_failed(scn.event.id, actor_id=None, now=t2) == 1
    db.session.commit()
    assert delivery.drain(now=t2) == delivery.SendReport(sent=1)
    row = db.session.get(OutboxMessage, first.id)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert len(mail.outbox()) == 1


def test_permanent_refusal_fails_at_once(scn, monkeypatch):
    publish(scn, FIRST)
    target = rows()[0]
    refused = smtplib.SMTPRecipientsRefused({target.recipient: (550, b"5.1.1 no such user")})
    monkeypatch.setattr(mail.Session, "deliver", _failing(refused))
    report = delivery.drain()
    assert report == delivery.SendReport(failed=9)
    row = db.session.get(OutboxMessage, target.id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert row.last_error.startswith("SMTPRecipientsRefused: ")


def test_backoff_doubles_and_is_capped(app):
    app.config["MAIL_RETRY_SECONDS"] = 60
    assert [delivery.backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert delivery.backoff(20) == timedelta(hours=6)


def test_a_row_is_claimed_by_one_sender_only(scn):
    publish(scn, FIRST)
    row_id = rows()[0].id
    now = datetime.now(UTC)
    assert delivery.claim(row_id, now=now) is True
    assert delivery.claim(row_id, now=now) is False
    assert delivery.send_one(row_id, now=now) is None
    assert mail.outbox() == []


def test_older_change_not_yet_sent_is_superseded_by_the_newer_one(scn):
    v1, _ = publish(scn, FIRST)
    uid = _meeting(v1, scn.requests[1]).uid
    publish(scn, SECOND, unscheduled=(2,))
    report = delivery.drain()
    # 9 first invitations + 3 moves + 3 cancellations; the 6 first ones of meetings 2 and 3
    # are replaced by their newer message.
    assert report == delivery.SendReport(sent=9, superseded=6)
    assert {r.status for r in rows(meeting_uid=uid, sequence=0)} == {OutboxStatus.SUPERSEDED}
    assert {r.status for r in rows(meeting_uid=uid, sequence=1)} == {OutboxStatus.SENT}


def test_row_left_sending_by_a_dead_sender_is_sent_again(scn, app):
    app.config["MAIL_SENDING_TIMEOUT"] = 600
    publish(scn, FIRST)
    row = rows()[0]
    row.status, row.attempts = OutboxStatus.SENDING, 1
    row.claimed_at = datetime.now(UTC) - timedelta(minutes=11)
    db.session.commit()
    report = delivery.drain()
    assert report == delivery.SendReport(sent=9, recovered=1)
    row = db.session.get(OutboxMessage, row.id)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_scheduling_worker_also_sends_the_outbox(scn):
    publish(scn, FIRST)
    assert worker.work(once=True) == 0
    assert len(mail.outbox()) == 9


def test_worker_survives_an_outbox_error(scn, monkeypatch):
    publish(scn, FIRST)

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(delivery, "drain", broken)
    assert worker.work(once=True) == 0


def test_flask_mail_send_reports_what_it_did(scn, app):
    publish(scn, FIRST)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "9 sent, 0 to retry later, 0 failed, 0 superseded, 0 recovered.\n"


def test_flask_mail_retry_queues_failed_mails_again(scn, app):
    publish(scn, FIRST)
    db.session.query(OutboxMessage).update({"status": OutboxStatus.FAILED})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "retry", str(scn.event.id)])
    assert result.output == "9 e-mail(s) queued again.\n"
    assert {r.status for r in rows()} == {OutboxStatus.PENDING}


# --------------------------------------------------------------------------- two senders


@pytest.fixture
def file_app(tmp_path):
    """An app on an SQLite file, so that two threads have two real connections."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'mail.db'}")
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_two_concurrent_senders_never_send_the_same_mail_twice(file_app, monkeypatch):
    scn = make_scenario()
    publish(scn, FIRST)
    sent: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def slow_deliver(session, message):
        time.sleep(0.02)  # long enough for the other sender to try the same row
        with lock:
            sent.append(message["Message-ID"])

    monkeypatch.setattr(mail.Session, "deliver", slow_deliver)
    reports: list[delivery.SendReport] = []

    def sender():
        with file_app.app_context():
            start.wait()
            report = delivery.drain()
            with lock:
                reports.append(report)
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == len(set(sent)) == 9
    assert sum(r.sent for r in reports) == 9
    db.session.expire_all()
    assert {r.status for r in rows()} == {OutboxStatus.SENT}
