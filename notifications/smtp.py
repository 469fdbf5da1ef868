"""Sending one outbox message, knowing how far the SMTP conversation went.

Django's SMTP backend is used as configured (EMAIL_URL / EMAIL_HOST...), with two hooks on
the SMTP connection: one just before the DATA command (up to there, the server cannot have
delivered anything: a lost worker's message can safely be sent again) and one when the server
answered 250 to the message (accepted: it must never be sent again, even if QUIT fails). Other
backends (the .eml files of development, locmem in tests) give no such insight: their whole
send counts as the uncertain part."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend


@dataclass
class Progress:
    data_started: bool = False
    accepted: bool = False
    on_data: list[Callable[[], None]] = field(default_factory=list)


class OutboxSmtpBackend(SmtpBackend):
    progress: Progress

    @property
    def connection_class(self):
        base = super().connection_class
        progress = self.progress

        class Connection(base):  # type: ignore[misc, valid-type]
            def data(self, msg):
                for callback in progress.on_data:
                    callback()
                progress.data_started = True
                code, response = super().data(msg)
                progress.accepted = code == 250  # smtplib raises on anything else
                return code, response

        return Connection


def send(message, *, on_data: Callable[[], None]) -> Progress:
    """Send MESSAGE with the configured backend; ON_DATA runs (and must commit) before the
    message content leaves. Raises what the backend raises; PROGRESS tells how far it got
    (read it from the exception handler through `progress_of`)."""
    connection = get_connection()
    progress = Progress(on_data=[on_data])
    if type(connection) is SmtpBackend:
        connection = OutboxSmtpBackend()
        connection.progress = progress
        message.connection = connection
        try:
            message.send()
        except BaseException as exc:
            exc.progress = progress  # type: ignore[attr-defined]
            raise
        return progress
    on_data()
    progress.data_started = True
    message.connection = connection
    try:
        message.send()
    except BaseException as exc:
        exc.progress = progress  # type: ignore[attr-defined]
        raise
    progress.accepted = True
    return progress


def progress_of(exc: BaseException) -> Progress:
    return getattr(exc, "progress", None) or Progress()


def is_permanent(exc: BaseException) -> bool:
    """A 5xx answer to the sender or the message: trying again would get the same answer."""
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600
