from __future__ import annotations

from campaign.updates import services
from campaign.updates.models import Update
from tests.factories import ConfirmedSignatureFactory, PetitionFactory

BODY = "We **won** a hearing.\n\n- Write to your MP\n\n<script>alert('x')</script>"


def opted_in(petition, count: int = 1, **extra):
    return ConfirmedSignatureFactory.create_batch(count, petition=petition, **{"wants_updates": True, **extra})


def draft(petition=None, **extra) -> Update:
    return services.update_create(
        petition=petition or PetitionFactory(),
        subject=extra.pop("subject", 'News <b>&</b> "more"'),
        body=extra.pop("body", BODY),
        by=extra.pop("by", None),
    )


def sent_to_everyone(update: Update) -> Update:
    """Start sending and queue every mail (the worker's steps do it in production)."""
    services.update_send(update=update, by=None)
    services.update_fan_out(update_id=update.pk)
    update.refresh_from_db()
    return update
