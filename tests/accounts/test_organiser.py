"""The organiser role alone, without superuser, does all of an organiser's work; the
login `make run` creates is such an organiser unless a superuser is asked for."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaign.accounts.models import User
from campaign.accounts.roles import EDITOR, ORGANISER
from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.coalition.helpers import make_user, organiser
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def ensure_organiser(monkeypatch, **env: str) -> User:
    monkeypatch.setenv("ORGANISER_PASSWORD", "a long enough passphrase 42")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    call_command("ensure_organiser", stdout=StringIO())
    return User.objects.get(email__iexact="organiser@example.org")


def test_ensure_organiser_makes_a_staff_organiser_who_is_no_superuser(monkeypatch):
    User.objects.create_superuser(email="Organiser@example.org", password="x")  # an older run's
    user = ensure_organiser(monkeypatch)
    assert user.is_staff and user.is_active
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [ORGANISER]
    assert user.check_password("a long enough passphrase 42")


def test_ensure_organiser_makes_a_superuser_only_when_asked(monkeypatch):
    assert not ensure_organiser(monkeypatch, ORGANISER_SUPERUSER="false").is_superuser
    assert ensure_organiser(monkeypatch, ORGANISER_SUPERUSER="true").is_superuser


def staff_member(role: str) -> User:
    editor = role == EDITOR
    user = make_user("editor@example.org", role=EDITOR, is_staff=True, totp=True) if editor else organiser()
    assert not user.is_superuser
    return user


def failed_mail() -> OutboxMessage:
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Gone", email="gone@example.org", country="GB")
    )
    message = OutboxMessage.objects.get(object_id=signature.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)
    return message


def confirmed_signature() -> Signature:
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Someone", email="s@example.org", country="GB")
    )
    services.signature_confirm(signature=signature)
    return signature


@pytest.mark.parametrize(("role", "allowed"), [(ORGANISER, True), (EDITOR, False)])
def test_resend_action_on_outgoing_mails_is_the_organisers(client, role, allowed):
    message = failed_mail()
    client.force_login(staff_member(role))
    response = client.post(
        reverse("admin:core_outboxmessage_changelist"), {"action": "resend", "_selected_action": [message.pk]}
    )
    assert response.status_code == (302 if allowed else 403)
    again = OutboxMessage.objects.filter(object_id=message.object_id).exclude(pk=message.pk)
    assert again.exists() == allowed


@pytest.mark.parametrize(("role", "allowed"), [(ORGANISER, True), (EDITOR, False)])
def test_invalidate_action_on_signatures_is_the_organisers(client, role, allowed):
    signature = confirmed_signature()
    client.force_login(staff_member(role))
    response = client.post(
        reverse("admin:petitions_signature_changelist"), {"action": "invalidate", "_selected_action": [signature.pk]}
    )
    assert response.status_code == (302 if allowed else 403)
    signature.refresh_from_db()
    assert (signature.invalidated_at is not None) == allowed


@pytest.mark.parametrize(("role", "allowed"), [(ORGANISER, True), (EDITOR, False)])
def test_resend_mail_action_on_signatures_is_the_organisers(client, role, allowed, mailoutbox):
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Late", email="late@example.org", country="GB")
    )
    Signature.objects.filter(pk=signature.pk).update(mail_failed_at=signature.created_at)
    mailoutbox.clear()
    client.force_login(staff_member(role))
    response = client.post(
        reverse("admin:petitions_signature_changelist"), {"action": "resend_mail", "_selected_action": [signature.pk]}
    )
    assert response.status_code == (302 if allowed else 403)
    signature.refresh_from_db()
    assert (signature.mail_failed_at is None) == allowed


@pytest.mark.parametrize(("role", "allowed"), [(ORGANISER, True), (EDITOR, False)])
def test_erase_action_on_signatures_is_the_organisers(client, role, allowed):
    signature = confirmed_signature()
    client.force_login(staff_member(role))
    response = client.post(
        reverse("admin:petitions_signature_changelist"), {"action": "erase", "_selected_action": [signature.pk]}
    )
    assert response.status_code == (302 if allowed else 403)
    assert Signature.objects.filter(pk=signature.pk, email="s@example.org").exists() != allowed


def test_organiser_who_is_no_superuser_sees_every_page_of_their_work(client):
    signature = confirmed_signature()
    message = failed_mail()
    client.force_login(organiser())
    pages = [
        reverse("coalition:review"),
        reverse("admin:petitions_petition_changelist"),
        reverse("admin:petitions_petition_add"),
        reverse("admin:petitions_signature_changelist"),
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        reverse("admin:petitions_signatureexport_changelist"),
        reverse("admin:core_outboxmessage_changelist"),
        reverse("admin:core_outboxmessage_change", args=[message.pk]),
        reverse("admin:coalition_organisation_changelist"),
        reverse("admin:coalition_application_changelist"),
        reverse("admin:coalition_decision_changelist"),
        reverse("admin:coalition_endorsement_changelist"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    letter = client.get(reverse("admin:petitions_petition_change", args=[signature.petition_id])).content.decode()
    assert 'id="versions-group"' in letter  # the versions of the letter, read-only
    assert 'id="demands-group"' in letter
    actions = client.get(reverse("admin:core_outboxmessage_changelist")).content.decode()
    assert 'value="resend"' in actions
