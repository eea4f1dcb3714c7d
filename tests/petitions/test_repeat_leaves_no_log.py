"""A repeated signature is found without an error in the database server, whose log
would otherwise keep the person's name and address outside any purge."""

import secrets

import pytest
from django.urls import reverse

from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.core.server_log import watch_server_log
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data

pytestmark = pytest.mark.django_db


def test_repeat_signature_leaves_no_trace_in_the_server_log(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    token = secrets.token_hex(6)
    name, email = f"Repeat Signer {token}", f"Repeat.Signer.{token}@Example.org"
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    assert client.post(url, sign_data(name=name, email=email)).status_code == 302
    Signature.objects.filter(petition=petition).update(last_mailed_at=None)  # a reminder is due again
    with watch_server_log() as log, django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, sign_data(name=name, email=email))
    assert response.status_code == 302  # as for a first signature: the person cannot tell
    signature = Signature.objects.get(petition=petition)
    assert signature.mails_sent == 2  # the repeat became a reminder
    assert OutboxMessage.objects.filter(object_id=signature.pk, kind=services.MAIL_CONFIRM).count() == 2
    logged = log.text.lower()
    assert token not in logged  # neither the name, nor the address as typed or normalised
    assert signature.email_normalised not in logged
