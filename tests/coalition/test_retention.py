"""Coalition applications are kept no longer than needed: declined ones are erased after
APPLICATION_RETENTION_DAYS (the decision stays on the record, nameless), and IP hashes
after IP_HASH_RETENTION_DAYS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.coalition import services
from campaign.coalition.models import Application, Contact, Decision, Organisation
from campaign.core.models import OutboxMessage
from tests.coalition.factories import ApplicationFactory
from tests.coalition.helpers import organiser

pytestmark = pytest.mark.django_db

REASON = "Ada Lovelace wrote from a private address and would not say who she is."


def declined(days_ago: int) -> Application:
    application = ApplicationFactory(ip_hash="abc")
    services.application_decline(application=application, by=organiser(f"o{application.pk}@example.org"), reason=REASON)
    Application.objects.filter(pk=application.pk).update(decided_at=timezone.now() - timedelta(days=days_ago))
    return application


def test_applications_purge_erases_declined_applications_after_retention(settings):
    application = declined(settings.APPLICATION_RETENTION_DAYS + 1)
    organisation_id, contact_id = application.organisation_id, application.contact_id
    assert services.applications_purge() == 1
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not Contact.objects.filter(pk=contact_id).exists()
    organisation = Organisation.objects.get(pk=organisation_id)
    assert "Rights" not in organisation.name and organisation.description == ""
    assert "rights" not in organisation.website and "rights" not in organisation.domain
    assert "rights" not in organisation.slug


def test_applications_purge_keeps_the_decision_without_the_reason(settings):
    application = declined(settings.APPLICATION_RETENTION_DAYS + 1)
    decision = Decision.objects.get(organisation_id=application.organisation_id)
    OutboxMessage.objects.create(kind=services.MAIL_DECISION, object_id=decision.pk)
    services.applications_purge()
    decision.refresh_from_db()
    assert decision.action == Decision.Action.DECLINE and decision.decided_by_id is not None
    assert "Ada" not in decision.reason and decision.reason == services.ERASED_REASON
    assert not OutboxMessage.objects.filter(kind=services.MAIL_DECISION, object_id=decision.pk).exists()


def test_applications_purge_keeps_recently_declined_and_approved_applications(settings):
    recent = declined(settings.APPLICATION_RETENTION_DAYS - 1)
    approved = ApplicationFactory()
    services.application_approve(application=approved, by=organiser(), reason="Welcome.")
    Application.objects.filter(pk=approved.pk).update(decided_at=timezone.now() - timedelta(days=1000))
    assert services.applications_purge() == 0
    assert set(Application.objects.values_list("pk", flat=True)) == {recent.pk, approved.pk}
    assert Decision.objects.filter(reason=REASON).exists()


def test_applications_purge_runs_twice_without_change(settings):
    declined(settings.APPLICATION_RETENTION_DAYS + 1)
    assert services.applications_purge() == 1
    assert services.applications_purge() == 0


def test_applications_purge_forgets_ip_hashes_after_retention(settings):
    old = ApplicationFactory(ip_hash="old")
    fresh = ApplicationFactory(ip_hash="fresh")
    Application.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.IP_HASH_RETENTION_DAYS + 1)
    )
    services.applications_purge()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.ip_hash is None and fresh.ip_hash == "fresh"
