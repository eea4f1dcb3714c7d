"""Building mails from templates, and the registry the outbox (core.outbox) sends through.

Each app registers, per kind of mail, a function that builds the message from an
object id (or returns None when there is nothing to send any more), optionally one
that builds the messages for many ids at once (a drain sends a batch), one to call
when the address refuses the mail for good, and one to call once it was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

Builder = Callable[[int], EmailMultiAlternatives | None]
BatchBuilder = Callable[[list[int]], dict[int, EmailMultiAlternatives | None]]
FailureHook = Callable[[int], None]
# Called once per drained batch with the ids of the kind's mails it sent.
SentHook = Callable[[list[int]], None]


@dataclass(frozen=True)
class MailKind:
    build: Builder
    on_permanent_failure: FailureHook | None = None
    build_many: BatchBuilder | None = None
    on_sent: SentHook | None = None

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
    on_sent: SentHook | None = None,
) -> None:
    _kinds[kind] = MailKind(
        build=build, on_permanent_failure=on_permanent_failure, build_many=build_many, on_sent=on_sent
    )


def kind(name: str) -> MailKind:
    return _kinds[name]


def render_mail(template_prefix: str, context: dict, to: str) -> EmailMultiAlternatives:
    """Render <prefix>_subject.txt, <prefix>.txt and <prefix>.html into one message."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    # A header never carries a line break, whatever a template or a visitor put in it.
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(f"{template_prefix}.txt", context), to=[to])
    message.attach_alternative(render_to_string(f"{template_prefix}.html", context), "text/html")
    return message
