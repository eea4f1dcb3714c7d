"""Building mails from templates, and the registry the outbox sends through.

Each app registers, per kind of mail, a function that builds the message from an
object id (or returns None when there is nothing to send any more) and, optionally,
one to call when the address refuses the mail for good.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
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
