"""Building mails from templates, and the registry the outbox sends through.

Each app registers, per kind of mail, a function that builds the message from an
object id (or returns None when there is nothing to send any more), optionally one
that builds the messages for many ids at once (a drain sends a batch), and one to
call when the address refuses the mail for good.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from campaign.core.pagecache import hole, markers

Builder = Callable[[int], EmailMultiAlternatives | None]
BatchBuilder = Callable[[list[int]], dict[int, EmailMultiAlternatives | None]]
FailureHook = Callable[[int], None]


@dataclass(frozen=True)
class MailKind:
    build: Builder
    on_permanent_failure: FailureHook | None = None
    build_many: BatchBuilder | None = None

    def build_batch(self, object_ids: list[int]) -> dict[int, EmailMultiAlternatives | None]:
        if self.build_many is not None:
            return self.build_many(object_ids)
        return {object_id: self.build(object_id) for object_id in object_ids}


_kinds: dict[str, MailKind] = {}


def register(
    kind: str,
    build: Builder,
    on_permanent_failure: FailureHook | None = None,
    *,
    build_many: BatchBuilder | None = None,
) -> None:
    _kinds[kind] = MailKind(build=build, on_permanent_failure=on_permanent_failure, build_many=build_many)


def kind(name: str) -> MailKind:
    return _kinds[name]


def render_mail(
    template_prefix: str, context: dict, to: str, *, personal: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """Render <prefix>_subject.txt, <prefix>.txt and <prefix>.html into one message.

    `personal` holds what differs from one recipient to the next (a name, a link), all
    strings. The templates are then rendered once per context and language, with a
    marker in place of each personal value, and every mail pours its own values in:
    a surge mails thousands of people the same letter, and rendering three templates
    for each was a fifth of what a mail cost the worker. The context must then hold
    only strings (it is the key of the rendered copy).
    """
    if personal is None:
        parts = _render_parts(template_prefix, context)
    else:
        parts = _rendered_with_holes(template_prefix, tuple(sorted(context.items())), tuple(sorted(personal)))
        parts = _pour(parts, personal)
    subject, text, html = parts
    # A header never carries a line break, whatever a template or a visitor put in it.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def _render_parts(template_prefix: str, context: dict) -> tuple[str, str, str]:
    return (
        render_to_string(f"{template_prefix}_subject.txt", context),
        render_to_string(f"{template_prefix}.txt", context),
        render_to_string(f"{template_prefix}.html", context),
    )


RENDERED_KEPT = 256
_rendered: dict[tuple, tuple[str, str, str]] = {}


def _rendered_with_holes(template_prefix: str, context: tuple, personal: tuple) -> tuple[str, str, str]:
    key = (template_prefix, get_language(), settings.SECRET_KEY, context, personal)
    parts = _rendered.get(key)
    if parts is None:
        if len(_rendered) >= RENDERED_KEPT:
            _rendered.clear()  # a letter edited many times: start again rather than grow
        parts = _rendered[key] = _render_parts(template_prefix, {**dict(context), **markers(*personal)})
    return parts


def _pour(parts: tuple[str, str, str], personal: dict[str, str]) -> tuple[str, str, str]:
    subject, text, html = parts
    for name, value in personal.items():
        marker = hole(name)
        subject = subject.replace(marker, value)
        text = text.replace(marker, value)
        html = html.replace(marker, escape(value))
    return subject, text, html


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
