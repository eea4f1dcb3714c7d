"""Addresses Django's EmailField accepts but its mail code cannot write: refused by the
forms, and, should one get in another way, failed alone by the outbox."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.urls import reverse

from campaign.coalition.forms import ApplicationForm
from campaign.core import mail, outbox
from campaign.core.emails import validate_mailable_domain
from campaign.core.models import OutboxMessage
from campaign.petitions import services as petition_services
from campaign.petitions.forms import ResendForm, SignatureForm
from campaign.petitions.models import Signature
from campaign.privacy.forms import AccessRequestForm
from tests.coalition.helpers import apply_data
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data

PRIVATE_USE = "a@\ue000.org"
LABEL_TOO_LONG = f"a@{'ü' * 63}.de"  # 63 characters, but longer than 63 once encoded
UNMAILABLE = [PRIVATE_USE, LABEL_TOO_LONG]


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    return smtp


@pytest.mark.parametrize("address", UNMAILABLE)
def test_validate_mailable_domain_refuses_what_sanitize_address_cannot_write(address):
    with pytest.raises(ValueError):
        sanitize_address(address, "utf-8")  # what the outbox met
    with pytest.raises(ValidationError) as refused:
        validate_mailable_domain(address)
    assert refused.value.code == "unmailable_domain"


@pytest.mark.parametrize("address", ["juergen@bücher.de", "amara@example.org", "li@例え.jp"])
def test_validate_mailable_domain_accepts_ordinary_international_domains(address):
    validate_mailable_domain(address)
    sanitize_address(address, "utf-8")


def test_validate_mailable_domain_refuses_a_domain_too_long_once_encoded():
    label = "".join(chr(0x4E00 + step * 97) for step in range(12))  # 12 ideographs, 33 in ASCII
    address = "a@" + ".".join([label] * 13) + ".de"
    assert len(address) == 173 and len(address.rpartition("@")[2].encode("idna")) == 444
    with pytest.raises(ValidationError):
        validate_mailable_domain(address)


@pytest.mark.parametrize("address", UNMAILABLE)
def test_sign_form_refuses_an_unmailable_domain_with_one_message(address):
    form = SignatureForm(sign_data(email=address))
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["email"]] == ["unmailable_domain"]


@pytest.mark.parametrize("address", UNMAILABLE)
def test_access_request_form_refuses_an_unmailable_domain(address):
    form = AccessRequestForm({"email": address})
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["email"]] == ["unmailable_domain"]


def test_sign_form_accepts_an_international_domain():
    form = SignatureForm(sign_data(email="juergen@bücher.de"))
    assert form.is_valid(), form.errors


def test_sign_form_shows_only_django_s_message_for_an_invalid_address():
    form = SignatureForm(sign_data(email="not an address@\ue000.org"))
    assert [error.code for error in form.errors.as_data()["email"]] == ["invalid"]


@pytest.mark.parametrize("address", UNMAILABLE)
def test_resend_form_refuses_an_unmailable_domain(address):
    form = ResendForm({"email": address})
    assert not form.is_valid()
    assert "email" in form.errors


@pytest.mark.parametrize("address", UNMAILABLE)
def test_application_form_refuses_an_unmailable_domain(address):
    form = ApplicationForm(apply_data(email=address))
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["email"]] == ["unmailable_domain"]


@pytest.mark.django_db
def test_sign_post_with_an_unmailable_domain_stores_nothing(client):
    petition = PetitionFactory()
    response = client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), sign_data(email=PRIVATE_USE))
    assert not Signature.objects.exists()
    assert "We cannot send mail to this domain" in response.content.decode()


# --- The outbox ----------------------------------------------------------------------


def signed(petition, email):
    details = petition_services.SignatureDetails(name="Amara", email=email, country="GB")
    # The service, not the form: as a row written by an import or before this check.
    signature = petition_services.signature_create(petition=petition, details=details)
    return signature, OutboxMessage.objects.get(object_id=signature.pk, kind=petition_services.MAIL_CONFIRM)


@pytest.mark.django_db
@pytest.mark.parametrize("address", UNMAILABLE)
def test_drain_fails_an_unmailable_address_alone_and_sends_the_others(smtp_settings, caplog, address):
    petition = PetitionFactory()
    _first, first_message = signed(petition, "first@example.org")
    bad, bad_message = signed(petition, address)
    _last, last_message = signed(petition, "last@example.org")
    OutboxMessage.objects.update(queued_at=None)
    with caplog.at_level(logging.INFO, logger="campaign.core.outbox"):
        assert outbox.outbox_drain() == 2
    assert smtp_settings.wait_for("first@example.org") and smtp_settings.wait_for("last@example.org")
    for message in (first_message, last_message):
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.SENT
    bad_message.refresh_from_db()
    assert bad_message.status == OutboxMessage.Status.FAILED
    assert bad_message.last_error == "UnicodeError" and bad_message.claimed_until is None
    bad.refresh_from_db()
    assert bad.mail_failed_at is not None  # flagged for organisers, as a refusal is
    domain = address.rpartition("@")[2]
    assert domain not in caplog.text and domain not in bad_message.last_error
    assert f"outbox message {bad_message.pk} ({bad_message.kind}, object {bad.pk}) failed for good" in caplog.text
    # The next drain is not stuck on it, and never claims it again.
    _fresh, fresh_message = signed(petition, "fresh@example.org")
    assert outbox.outbox_drain() == 1
    fresh_message.refresh_from_db()
    assert fresh_message.status == OutboxMessage.Status.SENT
    bad_message.refresh_from_db()
    assert bad_message.attempts == 1 and bad_message.status == OutboxMessage.Status.FAILED


@pytest.mark.django_db
def test_outbox_send_fails_an_unmailable_address_for_good(smtp_settings):
    _bad, bad_message = signed(PetitionFactory(), PRIVATE_USE)
    assert not outbox.outbox_send(message_id=bad_message.pk)
    bad_message.refresh_from_db()
    assert bad_message.status == OutboxMessage.Status.FAILED
    assert not outbox.outbox_send(message_id=bad_message.pk)


@pytest.fixture
def fragile_kind():
    """A kind of mail whose builder breaks on one object (13), in a batch or alone."""
    refused = []

    def build(object_id):
        if object_id == 13:
            raise KeyError("no template for this one")
        return mail.render_mail(
            "petitions/email/signature_already_signed",
            {
                "title": "A letter",
                "petition_url": "https://example.org/",
                "name": "Person",
                "confirm_url": "https://example.org/c",
                "withdraw_url": "https://example.org/w",
            },
            f"person{object_id}@example.org",
        )

    mail.register(
        "tests.fragile",
        build,
        refused.append,
        build_many=lambda object_ids: {object_id: build(object_id) for object_id in object_ids},
    )
    return refused


@pytest.mark.django_db
def test_drain_fails_a_mail_that_cannot_be_built_alone(smtp_settings, fragile_kind):
    messages = [OutboxMessage.objects.create(kind="tests.fragile", object_id=object_id) for object_id in (12, 13, 14)]
    assert outbox.outbox_drain() == 2
    for message in messages:
        message.refresh_from_db()
    assert [message.status for message in messages] == [
        OutboxMessage.Status.SENT,
        OutboxMessage.Status.FAILED,
        OutboxMessage.Status.SENT,
    ]
    assert messages[1].last_error == "KeyError" and fragile_kind == [13]
    assert smtp_settings.wait_for("person12@example.org") and smtp_settings.wait_for("person14@example.org")


@pytest.mark.django_db
def test_drain_still_defers_a_temporary_refusal(smtp_settings, monkeypatch):
    from campaign.core.tasks import outbox_send_task

    monkeypatch.setattr(outbox_send_task, "apply_async", lambda args, countdown: None)
    petition = PetitionFactory()
    _signature, message = signed(petition, "later@example.org")
    smtp_settings.refuse = {"later@example.org": "451 4.3.0 Try again later"}
    outbox.outbox_drain()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.last_error == "SMTPDataError 451"


@pytest.mark.django_db
def test_drain_still_defers_when_the_mail_server_is_away(settings, monkeypatch):
    from campaign.core.tasks import outbox_send_task
    from tests.conftest import free_port

    monkeypatch.setattr(outbox_send_task, "apply_async", lambda args, countdown: None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    _signature, message = signed(PetitionFactory(), "later@example.org")
    outbox.outbox_drain()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.last_error == "ConnectionRefusedError"


@pytest.mark.parametrize("address", UNMAILABLE)
@pytest.mark.parametrize("model", ["coalition.Contact", "accounts.User"])
def test_addresses_organisers_type_in_the_admin_must_be_mailable(model, address):
    """Invitations and decisions go to contacts and accounts entered by hand: the admin's
    forms clean the address with the model field's validators."""
    from django.apps import apps

    field = apps.get_model(model)._meta.get_field("email")
    with pytest.raises(ValidationError):
        field.clean(address, None)
    assert field.clean("someone@example.org", None) == "someone@example.org"
