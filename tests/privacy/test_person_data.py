"""What do you hold about me: the form, the mailed link, the page, the download, the erasure."""

import json
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from campaign.coalition.models import Application, Contact, Organisation
from campaign.core.models import OutboxMessage
from campaign.petitions.models import Signature, SignatureCounter
from campaign.privacy import services
from campaign.privacy.models import AccessRequest
from tests.coalition.factories import ApplicationFactory, ContactFactory, OrganisationFactory
from tests.factories import PetitionFactory
from tests.privacy.helpers import access_path, signed

pytestmark = pytest.mark.django_db


def ask(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("privacy:request"), {"email": email})


def test_access_form_has_a_label_and_works_without_js(client):
    html = client.get(reverse("privacy:request")).content.decode()
    assert '<label for="id_email"' in html
    assert "<h1>" in html
    assert 'method="post"' in html


def test_access_form_answers_the_same_page_whether_or_not_the_address_is_held(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    signed(PetitionFactory(), email="held@example.org")
    held = ask(client, "held@example.org", django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert held.status_code == unknown.status_code == 302
    assert held["Location"] == unknown["Location"] == reverse("privacy:sent")
    # The same work either way: one row, one queued mail, one mail sent.
    assert AccessRequest.objects.count() == 2
    assert OutboxMessage.objects.filter(kind=services.MAIL_ACCESS).count() == 2
    assert [mail.to for mail in mailoutbox[-2:]] == [["held@example.org"], ["nobody@example.org"]]


def test_access_mail_goes_through_the_outbox_and_its_link_hides_the_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, "Private.Person@example.org", django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(kind=services.MAIL_ACCESS)
    assert message.status == OutboxMessage.Status.SENT
    path = access_path(mailoutbox[-1])
    assert "private" not in path.lower()
    assert "person" not in path.lower()


def test_access_form_is_rate_limited(client, settings, django_capture_on_commit_callbacks):
    settings.SIGN_RATE_PER_ADDRESS_PER_HOUR = 2
    for _ in range(2):
        assert ask(client, "limited@example.org", django_capture_on_commit_callbacks).status_code == 302
    refused = ask(client, "limited@example.org", django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert "the email with your link is on its way" in refused.content.decode()


def test_person_data_page_lists_signatures_and_applications(client, mailoutbox, django_capture_on_commit_callbacks):
    letter = PetitionFactory()
    signed(letter, email="Ada.Person+x@gmail.com", name="Ada Person", is_public=True, wants_updates=False)
    pending = PetitionFactory()
    signed(pending, email="adaperson@gmail.com", confirm=False)
    ApplicationFactory(contact__email="ada.person@googlemail.com", contact__name="Ada Contact")
    ask(client, "ADAPERSON@gmail.com", django_capture_on_commit_callbacks)
    response = client.get(access_path(mailoutbox[-1]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert html.count("<dl>") == 3
    assert "waiting for you to confirm it" in html
    assert "Ada Person" in html
    assert "Ada Contact" in html
    assert "<script>alert" not in html  # the letters' and organisations' hostile names are escaped


def test_person_data_json_holds_everything_for_the_address(client, mailoutbox, django_capture_on_commit_callbacks):
    signed(PetitionFactory(), email="json@example.org", name="Jay Son", city="Leeds", wants_updates=True)
    ask(client, "json@example.org", django_capture_on_commit_callbacks)
    response = client.get(access_path(mailoutbox[-1]) + "data.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(b"".join([response.content]))
    (signature,) = data["signatures"]
    assert signature["name"] == "Jay Son"
    assert signature["city"] == "Leeds"
    assert signature["status"] == "confirmed"
    assert signature["wants_updates"] is True
    assert signature["came_through"] == ""  # straight to the letter, no partner's link
    assert data["coalition_applications"] == []
    assert len(data["access_requests"]) == 1


def test_signature_mails_carry_a_direct_link_to_the_signers_data(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed(PetitionFactory(), email="direct@example.org", name="Direct Link", confirm=False)
    mail = mailoutbox[-1]
    path = access_path(mail)
    assert path in mail.alternatives[0][0]
    assert "Direct Link" in client.get(path).content.decode()


def test_every_mail_template_links_to_the_persons_data():
    from pathlib import Path

    from tests.conftest import BASE_DIR

    templates = [
        path
        for path in Path(BASE_DIR, "templates").glob("*/email/*")
        if not path.name.endswith("_subject.txt") and path.parent.parent.name != "privacy"
    ]
    assert len(templates) >= 10
    for path in templates:
        assert "{{ privacy_url }}" in path.read_text(), path


def test_coalition_mail_links_to_the_contacts_data(client, mailoutbox, django_capture_on_commit_callbacks):
    from campaign.coalition import mails

    application = ApplicationFactory(confirmed_at=None, contact__email="contact@rights.example.org")
    mail = mails.build_confirm(application.pk)
    path = access_path(mail)
    assert "Ada" in client.get(path).content.decode()


class HoursAgoSigner(signing.TimestampSigner):
    """Signs as signing.dumps does, dated three hours ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 3 * 3600)


def expired_token(**named) -> str:
    payload = signing.loads(services.access_token(**named), salt=services.ACCESS_SALT)
    return HoursAgoSigner(salt=services.ACCESS_SALT).sign_object(payload, compress=True)


def test_access_link_expires_and_a_fresh_one_can_be_mailed(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PRIVACY_ACCESS_LINK_HOURS = 2
    token = expired_token(signature=signed(PetitionFactory(), email="late@example.org"))
    response = client.get(reverse("privacy:data", kwargs={"token": token}))
    assert response.status_code == 410
    assert "late@example.org" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(reverse("privacy:renew", kwargs={"token": token}))
    assert renewed["Location"] == reverse("privacy:sent")
    assert mailoutbox[-1].to == ["late@example.org"]
    assert client.get(access_path(mailoutbox[-1])).status_code == 200


def test_access_link_validity_follows_the_setting(client, settings):
    token = expired_token(signature=signed(PetitionFactory()))
    settings.PRIVACY_ACCESS_LINK_HOURS = 4
    assert client.get(reverse("privacy:data", kwargs={"token": token})).status_code == 200
    settings.PRIVACY_ACCESS_LINK_HOURS = 2
    assert client.get(reverse("privacy:data", kwargs={"token": token})).status_code == 410


def test_tampered_access_link_opens_nothing(client):
    signature = signed(PetitionFactory())
    token = services.access_token(signature=signature)
    response = client.get(reverse("privacy:data", kwargs={"token": token[:-2] + "xx"}))
    assert response.status_code == 404
    assert "someone@example.org" not in response.content.decode()


def test_access_requests_are_forgotten_once_their_links_expire(settings):
    settings.PRIVACY_ACCESS_LINK_HOURS = 1
    old = services.access_request_create(email="old@example.org")
    AccessRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    services.access_request_create(email="new@example.org")
    assert services.access_requests_purge() == 1
    assert list(AccessRequest.objects.values_list("email", flat=True)) == ["new@example.org"]
    assert not OutboxMessage.objects.filter(kind=services.MAIL_ACCESS, object_id=old.pk).exists()


def test_erase_asks_for_confirmation_on_get_and_changes_nothing(client):
    signature = signed(PetitionFactory(), email="keep@example.org")
    path = reverse("privacy:erase", kwargs={"token": services.access_token(signature=signature)})
    html = client.get(path).content.decode()
    assert 'method="post"' in html
    assert "cannot be undone" in html
    signature.refresh_from_db()
    assert signature.email == "keep@example.org"


def test_erase_post_erases_signatures_and_applications_and_the_link_dies(client):
    letter = PetitionFactory()
    signature = signed(letter, email="gone@example.org", name="Gone Person", is_public=True)
    pending_org = ApplicationFactory(contact__email="gone@example.org").organisation
    services.access_request_create(email="gone@example.org")
    path = reverse("privacy:erase", kwargs={"token": services.access_token(signature=signature)})
    response = client.post(path)
    assert response.status_code == 200
    assert "1 signature erased" in response.content.decode()
    signature.refresh_from_db()
    assert (signature.name, signature.email, signature.email_normalised) == ("", "", None)
    assert SignatureCounter.objects.total_for(letter.pk) == 0
    assert not Organisation.objects.filter(pk=pending_org.pk).exists()
    assert not Contact.objects.filter(email__iexact="gone@example.org").exists()
    assert not AccessRequest.objects.exists()
    assert (
        client.get(reverse("privacy:data", kwargs={"token": services.access_token(signature=signature)})).status_code
        == 404
    )


def test_person_data_erase_spares_other_people(client):
    letter = PetitionFactory()
    signed(letter, email="erase-me@example.org")
    other = signed(letter, email="keep-me@example.org")
    services.person_data_erase(email="erase-me@example.org")
    other.refresh_from_db()
    assert other.email == "keep-me@example.org"
    assert SignatureCounter.objects.total_for(letter.pk) == 1


def test_application_erase_of_a_member_keeps_the_organisation_and_drops_the_person():
    organisation = OrganisationFactory()
    contact = ContactFactory(organisation=organisation, email="member@example.org", name="Member Person")
    application = ApplicationFactory(organisation=organisation, contact=contact)
    from campaign.coalition.services import application_erase
    from tests.coalition.factories import EndorsementFactory

    endorsement = EndorsementFactory(organisation=organisation, authorised_by="Member Person")
    assert application_erase(application=application) is True
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    endorsement.refresh_from_db()
    assert endorsement.authorised_by != "Member Person"
    assert application_erase(application=application) is False


def test_signature_erase_cancels_its_pending_mails_and_drops_the_count():
    from campaign.petitions.services import signature_erase

    letter = PetitionFactory()
    signature = signed(letter, email="count@example.org")
    assert OutboxMessage.objects.filter(object_id=signature.pk, kind__startswith="petitions.").exists()
    assert signature_erase(signature=signature) is True
    assert not OutboxMessage.objects.filter(object_id=signature.pk, kind__startswith="petitions.").exists()
    assert SignatureCounter.objects.total_for(letter.pk) == 0
    assert not Signature.objects.counted().exists()
    assert signature_erase(signature=signature) is False
