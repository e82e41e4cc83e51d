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
    message = build_message(to, subject, body, attachments)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(message)
    elif backend == "log":
        current_app.logger.info("mail (not sent, MAIL_BACKEND=log):\n%s", message.as_string())
    elif backend == "smtp":
        cfg = current_app.config
        smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")
