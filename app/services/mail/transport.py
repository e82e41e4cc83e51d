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
    with Session() as session:
        session.deliver(message)


class Session:
    """Several messages over one SMTP connection (the outbox sends a whole pass this way).

    The connection is opened at the first message, kept for the next ones (one TLS
    handshake and one login per pass, not per message: servers throttle new
    connections) and reopened after a failure (an error may leave the connection
    unusable: the next message starts afresh) or after MAIL_MESSAGES_PER_CONNECTION
    messages. The `memory` and `log` backends need no connection.
    """

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None
        self._sent_here = 0  # messages sent over the open connection

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def deliver(self, message: EmailMessage) -> None:
        """Send one message; same contract as `deliver`."""
        backend = current_app.config["MAIL_BACKEND"]
        if backend == "memory":
            outbox().append(message)
        elif backend == "log":
            current_app.logger.info("mail (not sent, MAIL_BACKEND=log):\n%s", message.as_string())
        elif backend == "smtp":
            if self._sent_here >= current_app.config["MAIL_MESSAGES_PER_CONNECTION"]:
                self.close()
            smtp = self._smtp or self._connect()
            try:
                smtp.send_message(message)
            except Exception:
                self.close(polite=False)
                raise
            self._sent_here += 1
        else:
            raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")

    def _connect(self) -> smtplib.SMTP:
        cfg = current_app.config
        smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        smtp = smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
        try:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        except Exception:
            smtp.close()
            raise
        self._smtp, self._sent_here = smtp, 0
        return smtp

    def close(self, *, polite: bool = True) -> None:
        """End the connection: QUIT if it is sound, else just close the socket."""
        smtp, self._smtp, self._sent_here = self._smtp, None, 0
        if smtp is None:
            return
        try:
            if polite:
                smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass  # the message(s) were accepted already; a failed goodbye changes nothing
        finally:
            smtp.close()
