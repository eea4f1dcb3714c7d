"""Building mails from templates, and the registry the outbox sends through.

Each app registers, per kind of mail, a function that builds the message from an
object id (or returns None when there is nothing to send any more) and, optionally,
one to call when the address refuses the mail for good.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

Builder = Callable[[int], EmailMultiAlternatives | None]
FailureHook = Callable[[int], None]


@dataclass(frozen=True)
class MailKind:
    build: Builder
    on_permanent_failure: FailureHook | None = None


_kinds: dict[str, MailKind] = {}


def register(kind: str, build: Builder, on_permanent_failure: FailureHook | None = None) -> None:
    _kinds[kind] = MailKind(build=build, on_permanent_failure=on_permanent_failure)


def kind(name: str) -> MailKind:
    return _kinds[name]


def render_mail(template_prefix: str, context: dict, to: str) -> EmailMultiAlternatives:
    """Render <prefix>_subject.txt, <prefix>.txt and <prefix>.html into one message."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    # A header never carries a line break, whatever a template or a visitor put in it.
    subject = " ".join(subject.split())
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


_connections: dict[tuple, object] = {}


def send(message: EmailMultiAlternatives) -> None:
    """Send through this process's connection to the mail server, kept open between
    mails: a new SMTP session for every mail cost the worker and the server about half
    of what a mail costs (measured by `make bench`). A kept connection the server has
    closed meanwhile (an idle timeout) is replaced, once."""
    key = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    connection = _connections.get(key)
    kept = connection is not None
    if connection is None:
        connection = _connections[key] = get_connection()
    try:
        _send_on(connection, message)
    except smtplib.SMTPServerDisconnected:
        if not kept:
            raise
        _send_on(connection, message)


def _send_on(connection, message: EmailMultiAlternatives) -> None:
    try:
        connection.open()  # opened here, the backend leaves it open after sending
        message.connection = connection
        message.send()
    except BaseException:
        connection.close()  # never reuse a session left in an unknown state
        raise
