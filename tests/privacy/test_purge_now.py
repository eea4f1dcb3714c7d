"""`manage.py purge_now`: every retention purge at once, for the hour after a restore."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaign.coalition import services as coalition
from campaign.coalition.models import Application
from campaign.petitions.models import Petition, Signature
from campaign.privacy.models import AccessRequest
from tests.coalition.factories import ApplicationFactory
from tests.coalition.helpers import organiser
from tests.factories import ConfirmedSignatureFactory, PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def test_purge_now_runs_every_purge_the_schedule_runs(settings):
    now = timezone.now()
    long_ago = now - timedelta(days=settings.SIGNATURE_PENDING_DAYS + 1)
    never_confirmed = SignatureFactory(created_at=long_ago, last_mailed_at=long_ago)
    closed = PetitionFactory()
    Petition.objects.filter(pk=closed.pk).update(
        opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=settings.SIGNATURE_RETENTION_DAYS + 1)
    )
    signer = ConfirmedSignatureFactory(petition=closed)
    application = ApplicationFactory()
    coalition.application_decline(application=application, by=organiser("o@example.org"), reason="no")
    Application.objects.filter(pk=application.pk).update(
        decided_at=now - timedelta(days=settings.APPLICATION_RETENTION_DAYS + 1)
    )
    expired = AccessRequest.objects.create(email="asked@example.org", created_at=now - timedelta(days=30))

    call_command("purge_now")

    assert not Signature.objects.filter(pk=never_confirmed.pk).exists()
    assert Signature.objects.get(pk=signer.pk).anonymised_at is not None
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not AccessRequest.objects.filter(pk=expired.pk).exists()
