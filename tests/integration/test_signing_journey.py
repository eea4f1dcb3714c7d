"""The whole journey with real parts: form → Postgres → on_commit → broker → Celery
worker process → SMTP sink → link → button → count."""

import re
from urllib.parse import urlparse

import pytest
from django.test import Client

from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data

pytestmark = [pytest.mark.integration]

LINK = re.compile(r"https?://\S+/letters/[\w-]+/(confirm|withdraw)/\S+?/")


def links(mail) -> dict[str, str]:
    body = mail.get_body(preferencelist=("plain",)).get_content()
    return {match.group(1): urlparse(match.group(0)).path for match in LINK.finditer(body)}


def test_sign_confirm_and_count_through_worker_and_smtp(worker, smtp, live_server):
    petition = PetitionFactory()
    client = Client()
    response = client.post(f"/letters/{petition.slug}/sign/", sign_data(email="Amara.Okafor@Example.org"))
    assert response.status_code == 302

    mail = smtp.wait_for("amara.okafor@example.org")[0]
    assert mail["Subject"].startswith("Please confirm your signature")
    assert mail.get_body(preferencelist=("html",)) is not None
    found = links(mail)
    assert live_server.url in mail.get_body(preferencelist=("plain",)).get_content()

    # Following the link confirms nothing: a mail scanner may do that.
    page = client.get(found["confirm"])
    assert b"Confirm my signature" in page.content
    assert client.get(f"/api/petitions/{petition.slug}/").json()["signature_count"] == 0

    confirmed = client.post(found["confirm"])
    assert b"You are signer number 1" in confirmed.content
    assert client.get(f"/api/petitions/{petition.slug}/").json()["signature_count"] == 1
    assert b"already confirmed" in client.post(found["confirm"]).content

    # Signing again in another letter case: same page, still one signature, and a
    # single "already signed" note at most.
    again = client.post(f"/letters/{petition.slug}/sign/", sign_data(email="AMARA.OKAFOR@EXAMPLE.ORG"))
    assert again["Location"] == response["Location"]
    assert Signature.objects.filter(petition=petition).count() == 1

    client.post(found["withdraw"])
    assert client.get(f"/api/petitions/{petition.slug}/").json()["signature_count"] == 0


def test_hostile_name_arrives_escaped_in_html_mail(worker, smtp):
    petition = PetitionFactory()
    Client().post(
        f"/letters/{petition.slug}/sign/", sign_data(name="Eve <img src=x onerror=alert(1)>", email="eve@example.org")
    )
    mail = smtp.wait_for("eve@example.org")[0]
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<img src=x" not in html
    assert "Eve &lt;img src=x onerror=alert(1)&gt;" in html


def test_confirmation_mail_is_sent_by_the_worker_not_the_request(worker, smtp):
    petition = PetitionFactory()
    details = services.SignatureDetails(name="Worker Test", email="worker@example.org", country="FR")
    services.signature_create(petition=petition, details=details)
    mail = smtp.wait_for("worker@example.org")[0]
    assert "worker@example.org" in mail["To"]
    assert "Celery" not in mail.as_string()
    assert "campaign.core.tasks.outbox_drain_task" in worker.log()
