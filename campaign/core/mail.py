"""Building mails from templates, and the registry the outbox sends through.

Each app registers, per kind of mail, a function that builds the message from an
object id (or returns None when there is nothing to send any more), optionally one
that builds the messages for many ids at once (a drain sends a batch), and one to
call when the address refuses the mail for good.
"""

from __future__ import annotations

import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import smtp
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from campaign.core.pagecache import markers

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
        subject, text, html = _render_parts(template_prefix, context)
    else:
        subject, text, html = _rendered_with_personal(template_prefix, context, personal)
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
# (prefix, language, secret key, context, personal names) -> (rendered parts, markers)
_rendered: dict[tuple, tuple[tuple[str, str, str], dict[str, str]]] = {}


def _rendered_with_personal(template_prefix: str, context: dict, personal: dict[str, str]) -> tuple[str, str, str]:
    """The parts rendered once with a marker for each personal value (kept per process),
    with this recipient's values poured in: plain in the subject and text, escaped in
    the HTML."""
    key = (
        template_prefix,
        get_language(),
        settings.SECRET_KEY,
        tuple(sorted(context.items())),
        tuple(sorted(personal)),
    )
    entry = _rendered.get(key)
    if entry is None:
        if len(_rendered) >= RENDERED_KEPT:
            _rendered.clear()  # a letter edited many times: start again rather than grow
        holes = markers(*personal)
        entry = _rendered[key] = (_render_parts(template_prefix, {**context, **holes}), holes)
    (subject, text, html), holes = entry
    for name, value in personal.items():
        subject = subject.replace(holes[name], value)
        text = text.replace(holes[name], value)
        html = html.replace(holes[name], escape(value))
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


# --- Writing the message -------------------------------------------------------------
# Django turns a message into bytes through the standard library's email package: MIME
# objects, charset handling and a generator that folds every header. For the mails we
# send (a text body and an HTML alternative, UTF-8, to one plain address) that was a
# third of what a mail cost the worker. They are written here directly, in the form
# Django gives them (8bit UTF-8 parts, an RFC 2047 subject); any other message, or one
# whose addresses or lines fall outside that form, goes Django's way.

LINE_END = re.compile(r"\r\n|\r|\n")
SMTP_LINE_LIMIT = 998  # octets, RFC 5321: longer lines need quoted-printable (Django's way)


def _plain_header(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value


def _part(content_type: str, text: str) -> bytes | None:
    body = LINE_END.sub("\r\n", text).encode()
    if any(len(line) > SMTP_LINE_LIMIT for line in body.split(b"\r\n")):
        return None
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    )
    return head.encode() + body


def message_bytes(message: EmailMultiAlternatives) -> bytes | None:
    """The message as bytes to send, or None when it is not of the simple kind."""
    simple = (
        type(message) is EmailMultiAlternatives
        and not message.attachments
        and not message.cc
        and not message.bcc
        and not message.reply_to
        and not message.extra_headers
        and message.content_subtype == "plain"
        and (message.encoding or settings.DEFAULT_CHARSET).lower() in ("utf-8", "utf8")
        and message.to
        and len(message.alternatives) == 1
        and message.alternatives[0][1] == "text/html"
        and all(_plain_header(address) and "@" in address and "," not in address for address in message.to)
        and _plain_header(message.from_email)
        and "\r" not in message.subject
        and "\n" not in message.subject
    )
    if not simple:
        return None
    text, html = _part("text/plain", message.body), _part("text/html", message.alternatives[0][0])
    if text is None or html is None:
        return None
    subject = message.subject if message.subject.isascii() else Header(message.subject, "utf-8").encode(linesep="\r\n")
    boundary = f"==============={secrets.token_hex(12)}=="
    head = (
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
        "MIME-Version: 1.0\r\n"
        f"Subject: {subject}\r\n"
        f"From: {message.from_email}\r\n"
        f"To: {', '.join(message.to)}\r\n"
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}\r\n"
        f"Message-ID: {make_msgid(domain=DNS_NAME)}\r\n\r\n"
    )
    separator = f"\r\n--{boundary}\r\n".encode()
    return head.encode() + separator[2:] + text + separator + html + f"\r\n--{boundary}--\r\n".encode()


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, writing simple messages itself (see message_bytes)."""

    def _send(self, email_message) -> bool:
        raw = message_bytes(email_message)
        if raw is None:
            return super()._send(email_message)
        try:
            self.connection.sendmail(email_message.from_email, email_message.to, raw)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
