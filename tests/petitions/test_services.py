from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Petition, Signature, SignatureCounter
from campaign.petitions.selectors import signature_count
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def details(**overrides) -> services.SignatureDetails:
    values = {"name": "Amara Okafor", "email": "amara@example.org", "country": "GB"}
    values.update(overrides)
    return services.SignatureDetails(**values)


def test_signature_create_stores_signature_and_one_outbox_mail():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details(), client_ip="203.0.113.9")
    assert signature.email_normalised == "amara@example.org"
    assert signature.confirmed_at is None
    assert signature.petition_version == petition.version
    assert signature.ip_hash and "203.0.113.9" not in signature.ip_hash
    assert OutboxMessage.objects.filter(kind=services.MAIL_CONFIRM, object_id=signature.pk).count() == 1


def test_signature_create_records_consent_wording_and_version(settings):
    signature = services.signature_create(petition=PetitionFactory(), details=details())
    assert "privacy notice" in signature.consent_text
    assert signature.consent_version == settings.PRIVACY_CONSENT_VERSION


def test_signature_create_same_person_other_spelling_keeps_one_row():
    petition = PetitionFactory()
    first = services.signature_create(petition=petition, details=details(email="jane.doe@gmail.com"))
    second = services.signature_create(petition=petition, details=details(email="Jane.Doe+x@GMAIL.com"))
    assert first.pk == second.pk
    assert Signature.objects.filter(petition=petition).count() == 1


def test_signature_create_repeat_within_interval_sends_no_extra_mail():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    services.signature_create(petition=petition, details=details(email="AMARA@example.org"))
    assert OutboxMessage.objects.filter(object_id=signature.pk).count() == 1


def test_signature_create_repeat_after_interval_resends_confirmation():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - timedelta(hours=1))
    services.signature_create(petition=petition, details=details())
    kinds = list(OutboxMessage.objects.filter(object_id=signature.pk).values_list("kind", flat=True))
    assert kinds == [services.MAIL_CONFIRM, services.MAIL_CONFIRM]


def test_signature_create_repeat_when_confirmed_sends_already_signed_mail_capped():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    services.signature_confirm(signature=signature)
    for _ in range(10):
        Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - timedelta(hours=1))
        services.signature_create(petition=petition, details=details())
    kinds = list(OutboxMessage.objects.filter(object_id=signature.pk).values_list("kind", flat=True))
    assert kinds.count(services.MAIL_ALREADY_SIGNED) == services.MAX_MAILS_PER_WINDOW - 1
    assert signature_count(petition) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Petition.Status.DRAFT},
        {"status": Petition.Status.CLOSED},
        {"closes_at": timezone.now() - timedelta(minutes=1)},
        {"opens_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_signature_create_refuses_letters_not_open(changes):
    petition = PetitionFactory(**changes)
    with pytest.raises(services.PetitionClosed):
        services.signature_create(petition=petition, details=details())
    assert not Signature.objects.exists()


def test_signature_confirm_counts_once():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    first = services.signature_confirm(signature=signature)
    second = services.signature_confirm(signature=signature)
    assert first.newly_confirmed and first.signer_number == 1
    assert not second.newly_confirmed
    assert SignatureCounter.objects.total_for(petition.pk) == 1


def test_signature_withdraw_scrubs_data_and_lowers_count():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details(city="Cardiff", is_public=True))
    services.signature_confirm(signature=signature)
    assert services.signature_withdraw(signature=signature)
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None
    assert (signature.name, signature.email, signature.email_normalised, signature.city) == ("", "", None, "")
    assert signature.ip_hash is None
    assert signature_count(petition) == 0
    assert not services.signature_withdraw(signature=signature)


def test_signature_withdraw_lets_the_person_sign_again():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    services.signature_withdraw(signature=signature)
    again = services.signature_create(petition=petition, details=details())
    assert again.pk != signature.pk


def test_signature_invalidate_lowers_count_once():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    services.signature_confirm(signature=signature)
    assert services.signature_invalidate(signature=signature)
    assert not services.signature_invalidate(signature=signature)
    assert SignatureCounter.objects.total_for(petition.pk) == 0
    assert not services.signature_confirm(signature=signature).newly_confirmed


def test_counts_reconcile_repairs_drift_and_reports_none_when_exact():
    petition = PetitionFactory()
    for number in range(3):
        signature = services.signature_create(petition=petition, details=details(email=f"p{number}@example.org"))
        services.signature_confirm(signature=signature)
    SignatureCounter.objects.filter(petition=petition).update(count=99)
    assert services.counts_reconcile(petition=petition)
    assert SignatureCounter.objects.total_for(petition.pk) == 3
    assert not services.counts_reconcile(petition=petition)


def test_signatures_purge_deletes_only_old_unconfirmed_and_their_mails(settings):
    petition = PetitionFactory()
    old = timezone.now() - timedelta(days=settings.SIGNATURE_PENDING_DAYS + 1)
    stale = SignatureFactory(petition=petition, created_at=old)
    OutboxMessage.objects.create(kind=services.MAIL_CONFIRM, object_id=stale.pk)
    fresh = SignatureFactory(petition=petition)
    confirmed_old = SignatureFactory(petition=petition, created_at=old, confirmed_at=old)
    purged, _ = services.signatures_purge()
    assert purged == 1
    assert set(Signature.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed_old.pk}
    assert not OutboxMessage.objects.filter(object_id=stale.pk).exists()


def test_signatures_purge_forgets_ip_hashes_after_retention(settings):
    old = timezone.now() - timedelta(days=settings.IP_HASH_RETENTION_DAYS + 1)
    signature = SignatureFactory(created_at=old, confirmed_at=old, ip_hash="abc")
    services.signatures_purge()
    signature.refresh_from_db()
    assert signature.ip_hash is None


def test_petition_record_version_bumps_only_when_open_text_changes():
    petition = PetitionFactory(status=Petition.Status.DRAFT)
    services.petition_record_version(petition=petition)
    petition.body = "Draft edit"
    petition.save()
    assert services.petition_record_version(petition=petition).number == 1
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.OPEN)
    petition.refresh_from_db()
    assert services.petition_record_version(petition=petition).number == 1
    petition.demands.create(position=9, text="A new demand")
    assert services.petition_record_version(petition=petition).number == 2
    petition.refresh_from_db()
    assert petition.version == 2
    assert petition.versions.get(number=2).demands[-1] == "A new demand"


def test_tokens_round_trip_and_reject_tampering():
    petition = PetitionFactory()
    signature = services.signature_create(petition=petition, details=details())
    token = services.confirm_token(signature)
    assert services.signature_from_confirm_token(token, petition=petition) == signature
    with pytest.raises(services.InvalidToken):
        services.signature_from_confirm_token(token[:-2] + "xx", petition=petition)
    with pytest.raises(services.InvalidToken):
        services.signature_from_confirm_token(services.withdraw_token(signature), petition=petition)
    with pytest.raises(services.InvalidToken):
        services.signature_from_confirm_token(token, petition=PetitionFactory())
