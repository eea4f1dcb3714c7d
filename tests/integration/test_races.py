"""Races with real processes: identical submissions at once through gunicorn, tasks
delivered several times and sweeps racing the worker, the purge run twice at once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from django.db import connection
from django.utils import timezone

from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory, SignatureFactory
from tests.integration.stack import Visitor

pytestmark = [pytest.mark.integration]

SEND = "campaign.core.tasks.outbox_send_task"
SWEEP = "campaign.core.tasks.outbox_sweep_task"
DRAIN = "campaign.core.tasks.outbox_drain_task"


def test_fifty_identical_submissions_at_once_leave_one_row_and_one_mail(make_stack, smtp):
    petition = PetitionFactory()
    stack = make_stack()
    stack.start_web(workers=4)
    stack.start_worker()
    visitors = [Visitor(stack.url) for _ in range(50)]
    tokens = [visitor.prepare_sign(petition.slug) for visitor in visitors]
    barrier = Barrier(50)

    def submit(n: int) -> int:
        barrier.wait()
        return visitors[n].sign(petition.slug, "Same.Person@Example.org", tokens=tokens[n]).status

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(submit, range(50)))
    assert statuses == [302] * 50
    smtp.wait_for("same.person@example.org")
    time.sleep(3)  # any second mail would have arrived by now
    assert Signature.objects.filter(petition=petition).count() == 1
    assert len(smtp.to("same.person@example.org")) == 1


def test_tasks_delivered_many_times_and_sweeps_and_drains_racing_the_worker_send_each_mail_once(make_stack, smtp):
    stack = make_stack(OUTBOX_SWEEP_SECONDS="1")
    stack.start_worker(concurrency=4)
    signatures = SignatureFactory.create_batch(20)
    messages = [
        OutboxMessage.objects.create(kind=services.MAIL_CONFIRM, object_id=signature.pk, queued_at=None)
        for signature in signatures
    ]
    calls = []
    for round_ in range(4):
        calls += [(SEND, [message.pk]) for message in messages]
        calls += [(SWEEP, []), (DRAIN, []), (DRAIN, [])]
        calls += [(SEND, [message.pk]) for message in reversed(messages)] if round_ % 2 else []
    stack.send_tasks(calls)
    for signature in signatures:
        smtp.wait_for(signature.email_normalised)
    time.sleep(3)
    assert len(smtp.messages) == len(signatures)
    for message in messages:
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.SENT and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_purge_run_twice_at_once_is_safe():
    petition = PetitionFactory()
    old = timezone.now() - timedelta(days=30)
    stale = SignatureFactory.create_batch(30, petition=petition, created_at=old, ip_hash="x" * 32)
    for signature in stale:
        OutboxMessage.objects.create(kind=services.MAIL_CONFIRM, object_id=signature.pk)
    kept = SignatureFactory.create_batch(5, petition=petition, created_at=old, confirmed_at=old, ip_hash="y" * 32)
    barrier = Barrier(2)

    def purge(_):
        try:
            barrier.wait()
            return services.signatures_purge()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(purge, range(2)))
    assert sum(purged for purged, _ in results) == 30
    assert set(Signature.objects.filter(petition=petition).values_list("pk", flat=True)) == {s.pk for s in kept}
    assert not Signature.objects.filter(petition=petition, ip_hash__isnull=False).exists()
    assert not OutboxMessage.objects.filter(object_id__in=[s.pk for s in stale]).exists()
