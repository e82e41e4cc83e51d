"""Invitations through a real SMTP server (aiosmtpd on a free local port): what it received."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from app.extensions import db
from app.models import Meeting, OutboxMessage, OutboxMethod, OutboxStatus
from app.models.base import utcnow
from app.services.mail import delivery
from tests.invitation_helpers import (
    BUYER_EMAILS,
    COMPANY_EMAILS,
    calendar_part,
    make_scenario,
    publish,
    rows,
    vevent,
)

FIRST = [(0, 0, 0), (1, 1, 0), (2, 2, 0)]
SECOND = [(0, 0, 0), (1, 1, 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """An aiosmtpd handler that keeps what it accepts and refuses chosen recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}
        self.peers: list[tuple[str, int]] = []  # client address of each accepted message

    def connections(self) -> int:
        """Connections that delivered something (each has its own client port)."""
        return len(set(self.peers))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    def messages(self):
        return [message_from_bytes(raw, policy=policy.default) for _f, _t, raw in self.received]


@pytest.fixture
def smtp(app):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5
    )
    yield recorder
    controller.stop()


@pytest.fixture
def scn(app):
    return make_scenario()


def _by_uid(version) -> dict[str, Meeting]:
    return {m.uid: m for m in version.meetings}


def test_smtp_server_receives_one_invitation_per_account_and_meeting(scn, smtp):
    version, _ = publish(scn, FIRST)
    assert delivery.drain() == delivery.SendReport(sent=9)
    assert len(smtp.received) == 9
    assert {mail_from for mail_from, _to, _raw in smtp.received} == {
        "ne-pas-repondre@entremise.localhost"
    }
    assert sorted(to[0] for _f, to, _raw in smtp.received) == sorted(
        [*BUYER_EMAILS * 3, *COMPANY_EMAILS]
    )
    meetings = _by_uid(version)
    for (_f, to, raw), message in zip(smtp.received, smtp.messages(), strict=True):
        assert message["To"] == to[0]
        method, calendar = calendar_part(message)
        assert method == str(calendar["METHOD"]) == "REQUEST"
        event = vevent(calendar)
        meeting = meetings[str(event["UID"])]
        assert int(event["SEQUENCE"]) == meeting.sequence == 0
        assert event.DTSTART.astimezone(meeting.slot.starts_at.tzinfo) == meeting.slot.starts_at
        assert [a.get_filename() for a in message.iter_attachments()] == ["invite.ics"]
        # Line limits on the wire: 998 octets for any line (RFC 5322), 76 characters for the
        # quoted-printable and base64 body lines (RFC 2045).
        assert max(len(line) for line in raw.split(b"\r\n")) <= 998
        for part in message.walk():
            if not part.is_multipart():
                assert max(len(line) for line in part.get_payload().splitlines()) <= 76
        body = message.get_body(("plain",)).get_content()
        assert body.startswith("Bonjour,\r\n\r\nUn rendez-vous vous est attribué")
    assert {r.status for r in rows()} == {OutboxStatus.SENT}
    assert smtp.connections() == 1  # the whole pass over one connection


def test_smtp_pass_reopens_its_connection_after_the_configured_number_of_messages(scn, smtp, app):
    app.config["MAIL_MESSAGES_PER_CONNECTION"] = 4
    publish(scn, FIRST)
    assert delivery.drain() == delivery.SendReport(sent=9)
    assert [smtp.peers.count(peer) for peer in dict.fromkeys(smtp.peers)] == [4, 4, 1]


def test_smtp_pass_goes_on_over_a_new_connection_after_a_refusal(scn, smtp):
    publish(scn, FIRST)
    order = [r.recipient for r in sorted(rows(), key=lambda r: r.id)]  # the sending order
    refused = next(i for i, who in enumerate(order) if order.count(who) == 1 and i > 0)
    smtp.refuse[order[refused]] = "451 4.3.0 Try again later"
    assert delivery.drain() == delivery.SendReport(sent=8, retrying=1)
    # The messages before, the refusal (the connection is dropped), the rest over a new one.
    assert [smtp.peers.count(peer) for peer in dict.fromkeys(smtp.peers)] == [
        refused,
        8 - refused,
    ]


def test_smtp_server_receives_the_update_and_the_cancellation_after_a_change(scn, smtp):
    v1, _ = publish(scn, FIRST)
    delivery.drain()
    first = {(str(vevent(calendar_part(m)[1])["UID"]), m["To"]) for m in smtp.messages()}
    smtp.received.clear()
    moved_uid = next(m.uid for m in v1.meetings if m.request_id == scn.requests[1].id)
    cancelled_uid = next(m.uid for m in v1.meetings if m.request_id == scn.requests[2].id)

    publish(scn, SECOND, unscheduled=(2,))
    assert delivery.drain() == delivery.SendReport(sent=6)
    seen = set()
    for message in smtp.messages():
        method, calendar = calendar_part(message)
        event = vevent(calendar)
        uid = str(event["UID"])
        # Every message is about a meeting the recipient was invited to: same UID, higher
        # SEQUENCE, so calendars replace or remove their copy.
        assert (uid, message["To"]) in first
        assert int(event["SEQUENCE"]) == 1
        seen.add((uid, method, str(event["STATUS"])))
    assert seen == {(moved_uid, "REQUEST", "CONFIRMED"), (cancelled_uid, "CANCEL", "CANCELLED")}


def test_smtp_temporary_refusal_is_retried_later_then_delivered(scn, smtp, app):
    app.config["MAIL_RETRY_SECONDS"] = 60
    publish(scn, FIRST)
    smtp.refuse[COMPANY_EMAILS[0]] = "451 4.3.0 Try again later"
    now = utcnow()
    assert delivery.drain(now=now) == delivery.SendReport(sent=8, retrying=1)
    (row,) = rows(status=OutboxStatus.PENDING)
    assert (row.recipient, row.attempts) == (COMPANY_EMAILS[0], 1)
    assert row.next_attempt_at == now + timedelta(seconds=60)
    assert "451" in row.last_error and "Try again later" in row.last_error
    del smtp.refuse[COMPANY_EMAILS[0]]
    assert delivery.drain(now=now + timedelta(seconds=60)) == delivery.SendReport(sent=1)
    assert len(smtp.received) == 9
    assert db.session.get(OutboxMessage, row.id).status is OutboxStatus.SENT


def test_smtp_permanent_refusal_fails_with_the_servers_answer(scn, smtp):
    publish(scn, FIRST)
    smtp.refuse[COMPANY_EMAILS[2]] = "550 5.1.1 No such user"
    assert delivery.drain() == delivery.SendReport(sent=8, failed=1)
    (row,) = rows(status=OutboxStatus.FAILED)
    assert row.recipient == COMPANY_EMAILS[2]
    assert row.method is OutboxMethod.REQUEST
    assert "550" in row.last_error and "No such user" in row.last_error
    progress = delivery.progress(scn.event.id)
    assert (progress.count(OutboxStatus.SENT), progress.count(OutboxStatus.FAILED)) == (8, 1)
    assert [line.recipient for line in progress.failed] == [COMPANY_EMAILS[2]]


def test_smtp_server_down_keeps_every_mail_for_later(scn, app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    publish(scn, FIRST)
    assert delivery.drain() == delivery.SendReport(retrying=9)
    assert {(r.status, r.attempts) for r in rows()} == {(OutboxStatus.PENDING, 1)}
    assert all(r.last_error.startswith("ConnectionRefusedError") for r in rows())
