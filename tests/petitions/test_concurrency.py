"""Many people at once: exact counts, one row per person. Real threads, real Postgres."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Signature, SignatureCounter
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(count: int, work):
    barrier = Barrier(count)

    def job(index):
        try:
            barrier.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(job, range(count)))


def pending_signatures(petition, count: int, country: str) -> list:
    return [
        services.signature_create(
            petition=petition,
            details=services.SignatureDetails(name=f"P{n}", email=f"p{n}@example.org", country=country),
        )
        for n in range(count)
    ]


def test_simultaneous_confirmations_give_an_exact_count():
    petition = PetitionFactory()
    signatures = pending_signatures(petition, 40, "GB")
    results = run_at_once(40, lambda n: services.signature_confirm(signature=signatures[n]).newly_confirmed)
    assert all(results)
    assert SignatureCounter.objects.total_for(petition.pk) == 40
    assert not services.counts_reconcile(petition=petition)


def test_simultaneous_double_confirmations_count_each_person_once():
    petition = PetitionFactory()
    signatures = pending_signatures(petition, 10, "FR")
    results = run_at_once(30, lambda n: services.signature_confirm(signature=signatures[n % 10]).newly_confirmed)
    assert sum(results) == 10
    assert SignatureCounter.objects.total_for(petition.pk) == 10


def test_simultaneous_signs_with_one_address_leave_one_row_and_one_mail():
    petition = PetitionFactory()
    spellings = ["jane.doe@gmail.com", "JaneDoe@gmail.com", "jane.doe+x@googlemail.com"]

    def sign(n):
        details = services.SignatureDetails(name="Jane", email=spellings[n % 3], country="GB")
        return services.signature_create(petition=petition, details=details).pk

    ids = run_at_once(30, sign)
    assert len(set(ids)) == 1
    assert Signature.objects.filter(petition=petition).count() == 1
    assert OutboxMessage.objects.filter(object_id=ids[0]).count() == 1


def test_reconcile_during_confirmations_loses_no_update():
    petition = PetitionFactory()
    signatures = pending_signatures(petition, 30, "DE")

    def work(n):
        if n % 10 == 0:
            return services.counts_reconcile(petition=petition)
        return services.signature_confirm(signature=signatures[n]).newly_confirmed

    run_at_once(30, work)
    confirmed = Signature.objects.counted().filter(petition=petition).count()
    assert SignatureCounter.objects.total_for(petition.pk) == confirmed == 27
