"""Faults provoked on a running production-like stack (gunicorn, Celery worker and beat,
a broker of the test's own, PostgreSQL, an SMTP sink): nothing is lost.

The intervals are shortened through settings (OUTBOX_SWEEP_SECONDS, OUTBOX_CLAIM_SECONDS,
OUTBOX_RETRY_SECONDS) so each fault plays out in seconds instead of minutes; the
mechanism is the one production runs. Each test prints its figures (pytest -s shows them).
"""

from __future__ import annotations

import signal
import time

import pytest

from campaign.core.models import OutboxMessage
from campaign.petitions.models import Signature
from tests.conftest import wait_until
from tests.factories import PetitionFactory
from tests.integration.stack import Visitor

pytestmark = [pytest.mark.integration]

SWEEP_SECONDS = 2
CLAIM_SECONDS = 6
OUTAGE_SECONDS = 8
FAST = {"OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS), "OUTBOX_CLAIM_SECONDS": str(CLAIM_SECONDS)}


def addresses_mailed(smtp, addresses: list[str]) -> bool:
    return all(smtp.to(address) for address in addresses)


def test_broker_down_loses_no_signature_and_no_mail(make_stack, smtp):
    petition = PetitionFactory()
    stack = make_stack(**FAST)
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    visitor = Visitor(stack.url)
    assert visitor.sign(petition.slug, "before@example.org").status == 302
    smtp.wait_for("before@example.org")

    stack.broker.down()
    during = []
    outage_ends = time.monotonic() + OUTAGE_SECONDS
    while time.monotonic() < outage_ends:
        address = f"outage{len(during)}@example.org"
        response = visitor.sign(petition.slug, address)
        assert response.status == 302, response.body[:500]
        during.append((address, response.seconds))
        time.sleep(0.2)
    slowest = max(seconds for _, seconds in during)
    addresses = [address for address, _ in during]
    assert len(Signature.objects.filter(email__in=addresses)) == len(addresses)
    assert OutboxMessage.objects.filter(queued_at__isnull=True).count() >= 1

    stack.broker.up()
    back = time.monotonic()
    # Within one sweep of the broker's return, plus the worker's reconnection backoff.
    wait_until(lambda: addresses_mailed(smtp, addresses), timeout=SWEEP_SECONDS + 30, what="every mail")
    recovery = time.monotonic() - back
    print(
        f"\nbroker down {OUTAGE_SECONDS}s ({stack.broker.kind}): {len(addresses)} signatures, all 302, "
        f"slowest request {slowest:.2f}s; all mailed {recovery:.1f}s after the broker returned"
    )
    assert slowest < 5
    assert all(len(smtp.to(address)) == 1 for address in addresses)


@pytest.mark.parametrize("victim", ["child", "worker"])
def test_worker_killed_mid_batch_every_signature_gets_its_mail(make_stack, smtp, victim):
    petition = PetitionFactory()
    stack = make_stack(**FAST)
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    smtp.delay = 0.25  # mails stay in flight long enough to be killed mid-send
    visitor = Visitor(stack.url)
    addresses = [f"batch{n}@example.org" for n in range(24)]
    for address in addresses:
        assert visitor.sign(petition.slug, address).status == 302
    wait_until(lambda: len(smtp.messages) >= 4, timeout=30, what="the batch to start")

    killed_at = time.monotonic()
    if victim == "child":
        in_flight_bound = 1
        stack.worker_children()[0].send_signal(signal.SIGKILL)
    else:
        in_flight_bound = 2  # --concurrency=2
        import os

        os.killpg(stack.worker.process.pid, signal.SIGKILL)
        stack.worker.process.wait()
        stack.start_worker()  # what a supervisor (systemd, Kubernetes) does

    wait_until(lambda: addresses_mailed(smtp, addresses), timeout=CLAIM_SECONDS + 60, what="every mail")
    recovery = time.monotonic() - killed_at
    duplicates = len(smtp.messages) - len(addresses)
    print(
        f"\nworker {victim} SIGKILLed mid-batch: {len(addresses)} mails delivered, "
        f"{duplicates} duplicate(s), all delivered {recovery:.1f}s after the kill"
    )
    assert 0 <= duplicates <= in_flight_bound
    assert recovery < 120  # minutes at most in production (the claim); seconds here
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
