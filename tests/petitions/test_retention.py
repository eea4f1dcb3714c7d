"""Keeping less: signers anonymised after a letter closes, struck and unconfirmed
signatures purged, periods stated from the settings that enforce them, and a withdrawal
link that can always be had."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from campaign.accounts.models import User
from campaign.core.models import OutboxMessage
from campaign.petitions import mails, services
from campaign.petitions.models import Petition, Signature
from campaign.petitions.selectors import signature_count
from tests.accounts.helpers import enrol_totp
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db

WITHDRAW_LINK = re.compile(r"https?://[^/\s]+(/letters/[\w-]+/withdraw/\S+/)")


def signed(petition, *, confirm=True, **values) -> Signature:
    details = {
        "name": "Amara Okafor",
        "email": "amara@example.org",
        "country": "GB",
        "city": "Cardiff",
        "affiliation": "Union & <b>Co</b>",
        "is_public": True,
        "wants_updates": True,
        **values,
    }
    signature = services.signature_create(petition=petition, details=services.SignatureDetails(**details))
    if confirm:
        services.signature_confirm(signature=signature)
    signature.refresh_from_db()
    return signature


def close(petition, *, days_ago: int) -> None:
    """The letter passed its closing date that many days ago."""
    now = timezone.now()
    Petition.objects.filter(pk=petition.pk).update(
        opens_at=now - timedelta(days=days_ago + 30), closes_at=now - timedelta(days=days_ago)
    )


def boss_client(client):
    boss = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(boss)
    client.force_login(boss)
    return client


# --- 1. Anonymising after a letter closes -----------------------------------------------


def test_signatures_anonymise_erases_signers_of_letters_closed_past_retention(settings):
    petition = PetitionFactory()
    first = signed(petition)
    signed(petition, email="b@example.org", country="FR")
    close(petition, days_ago=settings.SIGNATURE_RETENTION_DAYS + 1)
    assert services.signatures_anonymise() == 2
    first.refresh_from_db()
    assert (first.name, first.email, first.email_normalised, first.city, first.affiliation) == ("", "", None, "", "")
    assert not first.is_public and not first.wants_updates and first.ip_hash is None
    assert first.anonymised_at is not None
    assert first.country == "GB" and first.confirmed_at is not None and first.petition_version == 1


def test_signatures_anonymise_keeps_the_count_and_counters_exact(settings):
    petition = PetitionFactory()
    signed(petition)
    signed(petition, email="b@example.org", country="FR")
    close(petition, days_ago=settings.SIGNATURE_RETENTION_DAYS + 1)
    services.signatures_anonymise()
    assert signature_count(petition) == 2
    assert services.counts_reconcile(petition=petition) is False  # no drift: nothing to repair


def test_signatures_anonymise_runs_twice_without_change(settings):
    petition = PetitionFactory()
    signed(petition)
    close(petition, days_ago=settings.SIGNATURE_RETENTION_DAYS + 1)
    assert services.signatures_anonymise() == 1
    assert services.signatures_anonymise() == 0


def test_signatures_anonymise_waits_for_the_retention_period(settings):
    petition = PetitionFactory()
    signature = signed(petition)
    close(petition, days_ago=settings.SIGNATURE_RETENTION_DAYS - 1)
    assert services.signatures_anonymise() == 0
    signature.refresh_from_db()
    assert signature.name == "Amara Okafor" and signature.anonymised_at is None


def test_signatures_anonymise_follows_the_letters_own_period(settings):
    short = PetitionFactory(retention_days=10)
    long = PetitionFactory(retention_days=settings.SIGNATURE_RETENTION_DAYS * 2)
    on_short, on_long = signed(short), signed(long)
    close(short, days_ago=11)
    close(long, days_ago=settings.SIGNATURE_RETENTION_DAYS + 1)
    services.signatures_anonymise()
    on_short.refresh_from_db()
    on_long.refresh_from_db()
    assert on_short.anonymised_at is not None and on_long.anonymised_at is None


def test_signatures_anonymise_leaves_open_letters_alone(settings):
    petition = PetitionFactory(opens_at=timezone.now() - timedelta(days=400))
    signature = signed(petition)
    services.signatures_anonymise()
    signature.refresh_from_db()
    assert signature.anonymised_at is None


def test_petitions_mark_closed_dates_a_letter_closed_by_hand_and_forgets_on_reopening():
    petition = PetitionFactory()
    services.petitions_mark_closed()
    petition.refresh_from_db()
    assert petition.closed_at is None
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    services.petitions_mark_closed()
    petition.refresh_from_db()
    closed_at = petition.closed_at
    assert closed_at is not None
    services.petitions_mark_closed()  # a second run does not move the date on
    petition.refresh_from_db()
    assert petition.closed_at == closed_at
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.OPEN)
    services.petitions_mark_closed()
    petition.refresh_from_db()
    assert petition.closed_at is None


def test_petitions_mark_closed_dates_a_passed_closing_date_from_that_date():
    petition = PetitionFactory()
    close(petition, days_ago=3)
    services.petitions_mark_closed()
    petition.refresh_from_db()
    assert petition.closed_at == petition.closes_at


def test_signature_anonymised_gets_no_more_mail(settings):
    petition = PetitionFactory()
    signature = signed(petition)
    pending = OutboxMessage.objects.create(kind=services.MAIL_ALREADY_SIGNED, object_id=signature.pk)
    close(petition, days_ago=settings.SIGNATURE_RETENTION_DAYS + 1)
    services.signatures_anonymise()
    pending.refresh_from_db()
    assert pending.status == OutboxMessage.Status.CANCELLED
    assert mails.build_already_signed(signature.pk) is None
    Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - timedelta(days=2))
    assert services.signature_remind(signature=signature) is False


def test_signature_anonymised_must_have_no_address():
    signature = signed(PetitionFactory())
    with pytest.raises(IntegrityError):
        Signature.objects.filter(pk=signature.pk).update(anonymised_at=timezone.now())


def test_signatures_anonymise_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "campaign.petitions.tasks.signatures_anonymise_task" in tasks


def test_admin_letter_form_offers_its_own_retention_period_and_names_the_default(client, settings):
    settings.SIGNATURE_RETENTION_DAYS = 123
    petition = PetitionFactory()
    response = boss_client(client).get(reverse("admin:petitions_petition_change", args=[petition.pk]))
    content = response.content.decode()
    assert 'name="retention_days"' in content
    assert "default of 123 days" in content


# --- 2. Invalidated signatures ----------------------------------------------------------


def test_signatures_purge_deletes_invalidated_after_retention_and_leaves_the_count(settings):
    petition = PetitionFactory()
    kept = signed(petition)
    struck_long_ago = signed(petition, email="spam@example.org")
    struck_lately = signed(petition, email="spam2@example.org")
    for signature in (struck_long_ago, struck_lately):
        services.signature_invalidate(signature=signature)
    Signature.objects.filter(pk=struck_long_ago.pk).update(
        invalidated_at=timezone.now() - timedelta(days=settings.SIGNATURE_RETENTION_DAYS + 1)
    )
    services.signatures_purge()
    assert set(Signature.objects.values_list("pk", flat=True)) == {kept.pk, struck_lately.pk}
    assert signature_count(petition) == 1
    assert services.counts_reconcile(petition=petition) is False


def test_signatures_purge_deletes_invalidated_after_the_letters_own_period():
    petition = PetitionFactory(retention_days=5)
    struck = signed(petition)
    services.signature_invalidate(signature=struck)
    Signature.objects.filter(pk=struck.pk).update(invalidated_at=timezone.now() - timedelta(days=6))
    services.signatures_purge()
    assert not Signature.objects.filter(pk=struck.pk).exists()


# --- 4. Unconfirmed signatures and the periods mails state -----------------------------


def test_signatures_purge_keeps_a_pending_signature_mailed_lately(settings):
    long_ago = timezone.now() - timedelta(days=settings.SIGNATURE_PENDING_DAYS + 3)
    reminded = SignatureFactory(created_at=long_ago, last_mailed_at=timezone.now() - timedelta(days=1))
    forgotten = SignatureFactory(created_at=long_ago, last_mailed_at=long_ago)
    services.signatures_purge()
    assert list(Signature.objects.values_list("pk", flat=True)) == [reminded.pk]
    assert not Signature.objects.filter(pk=forgotten.pk).exists()


def test_confirm_mail_states_the_period_the_setting_sets(settings):
    settings.SIGNATURE_PENDING_DAYS = 3
    signature = SignatureFactory()
    message = mails.build_confirm(signature.pk)
    assert "3 days" in message.body and "3 days" in message.alternatives[0][0]
    assert "seven" not in message.body
    settings.SIGNATURE_PENDING_DAYS = 12
    assert "12 days" in mails.build_confirm(signature.pk).body


def test_confirm_page_states_the_period_the_setting_sets(client, settings):
    settings.SIGNATURE_PENDING_DAYS = 4
    signature = SignatureFactory()
    url = reverse(
        "petitions:confirm", kwargs={"slug": signature.petition.slug, "token": services.confirm_token(signature)}
    )
    content = client.get(url).content.decode()
    assert "deleted after 4 days" in content and "a week" not in content


def test_invalid_link_page_states_the_period_the_setting_sets(client, settings):
    settings.SIGNATURE_PENDING_DAYS = 5
    petition = PetitionFactory()
    url = reverse("petitions:confirm", kwargs={"slug": petition.slug, "token": "tampered"})
    content = client.get(url).content.decode()
    assert "expire after 5 days" in content and "a week" not in content


# --- 5 and 6. The admin ----------------------------------------------------------------


def test_signature_str_holds_no_name():
    signature = signed(PetitionFactory())
    assert str(signature) == f"Signature {signature.pk} on letter {signature.petition_id}"


def admin_save(client, signature, **changes):
    data = {
        "name": signature.name,
        "country": signature.country,
        "city": signature.city,
        "affiliation": signature.affiliation,
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not False}
    return client.post(reverse("admin:petitions_signature_change", args=[signature.pk]), data)


def test_admin_history_of_a_signature_keeps_no_name_after_withdrawal(client):
    signature = signed(PetitionFactory())
    response = admin_save(boss_client(client), signature, is_public=False, wants_updates="on")
    assert response.status_code == 302
    services.signature_withdraw(signature=signature)
    entry = LogEntry.objects.get(object_id=str(signature.pk))
    assert "Amara" not in entry.object_repr and "Okafor" not in entry.object_repr


def test_admin_can_hide_a_signers_name(client):
    signature = signed(PetitionFactory())
    response = admin_save(boss_client(client), signature, is_public=False, wants_updates=False)
    assert response.status_code == 302
    signature.refresh_from_db()
    assert not signature.is_public and not signature.wants_updates


def test_admin_cannot_show_a_signers_name(client):
    signature = signed(PetitionFactory(), is_public=False, wants_updates=False)
    response = admin_save(boss_client(client), signature, is_public="on")
    assert response.status_code == 200  # the form again, with the error
    signature.refresh_from_db()
    assert not signature.is_public


def test_admin_cannot_sign_a_signer_up_for_updates(client):
    signature = signed(PetitionFactory(), is_public=False, wants_updates=False)
    response = admin_save(boss_client(client), signature, wants_updates="on")
    assert response.status_code == 200
    signature.refresh_from_db()
    assert not signature.wants_updates


# --- 7. A withdrawal link can always be had --------------------------------------------


def mails_of(signature) -> int:
    return OutboxMessage.objects.filter(object_id=signature.pk).count()


def test_signature_remind_caps_mails_per_day_then_sends_again_a_day_later():
    signature = signed(PetitionFactory())  # the confirmation mail is the first of the day
    for _ in range(services.MAX_MAILS_PER_WINDOW):
        Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - timedelta(minutes=5))
        services.signature_remind(signature=signature)
    assert mails_of(signature) == services.MAX_MAILS_PER_WINDOW
    # A day later the window has passed: the fifth request is mailed.
    day_ago = timezone.now() - services.MAIL_WINDOW - timedelta(minutes=1)
    Signature.objects.filter(pk=signature.pk).update(created_at=day_ago, last_mailed_at=day_ago)
    assert services.signature_remind(signature=signature) is True
    assert mails_of(signature) == services.MAX_MAILS_PER_WINDOW + 1


def test_signature_remind_counts_a_new_window_from_its_first_mail():
    signature = signed(PetitionFactory())
    day_ago = timezone.now() - services.MAIL_WINDOW - timedelta(minutes=1)
    Signature.objects.filter(pk=signature.pk).update(
        created_at=day_ago, last_mailed_at=day_ago, mails_sent=services.MAX_MAILS_PER_WINDOW
    )
    sent = 0
    for _ in range(services.MAX_MAILS_PER_WINDOW + 2):
        Signature.objects.filter(pk=signature.pk).update(last_mailed_at=timezone.now() - timedelta(minutes=5))
        sent += services.signature_remind(signature=signature)
    assert sent == services.MAX_MAILS_PER_WINDOW


def test_resend_mails_a_confirmed_signer_a_working_withdraw_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    signature = signed(petition)
    # Every mail of its first day used up, long ago.
    long_ago = timezone.now() - timedelta(days=30)
    Signature.objects.filter(pk=signature.pk).update(
        created_at=long_ago, last_mailed_at=long_ago, mails_sent=services.MAX_MAILS_PER_WINDOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("petitions:resend", kwargs={"slug": petition.slug}), {"email": "Amara@Example.org"})
    assert len(mailoutbox) == 1
    path = WITHDRAW_LINK.search(mailoutbox[0].body).group(1)
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None and signature.email == ""
