"""Outgoing mail. Backends: `log` (development: written to the log), `memory` (tests), `smtp`."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage

from flask import current_app


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


def build_message(
    to: str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for att in attachments:
        message.add_attachment(
            att.content,
            maintype=att.maintype,
            subtype=att.subtype,
            filename=att.filename,
            params=att.params,
        )
    return message


def outbox() -> list[EmailMessage]:
    """Messages sent with the `memory` backend (tests)."""
    return current_app.extensions.setdefault("mail_outbox", [])  # type: ignore[no-any-return]


def send(to: str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()) -> None:
    deliver(build_message(to, subject, body, attachments))


def deliver(message: EmailMessage) -> None:
    """Hand one message to the configured backend. Raises on any SMTP or network error.

    Returning normally means the SMTP server accepted the message for every recipient
    (`smtplib` raises `SMTPRecipientsRefused` when all are refused; a message has one).
    """
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(message)
    elif backend == "log":
        current_app.logger.info("mail (not sent, MAIL_BACKEND=log):\n%s", message.as_string())
    elif backend == "smtp":
        cfg = current_app.config
        smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")
