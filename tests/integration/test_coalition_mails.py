"""The confirmation and decision mails, through the outbox, a real Celery worker and a
real SMTP server."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from campaign.coalition import services
from campaign.coalition.models import Application, Organisation
from tests.coalition.helpers import apply_data, organiser
from tests.factories import HOSTILE

pytestmark = [pytest.mark.integration]


def link_in(message, pattern: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(rf"https?://\S+{pattern}\S*/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_apply_confirm_and_approve_mails_arrive_over_smtp(worker, smtp, client):
    email = "sam@riverside-privacy.example.org"
    response = client.post(reverse("coalition:apply"), apply_data(email=email, name=f"Riverside {HOSTILE[:20]}"))
    assert response.status_code == 302
    (confirm_mail,) = smtp.wait_for(email)
    assert "confirm" in confirm_mail["Subject"].lower()
    html = confirm_mail.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html
    confirm_path = link_in(confirm_mail, "/coalition/join/confirm/")

    assert client.get(confirm_path).status_code == 200
    assert Application.objects.get().confirmed_at is None
    client.post(confirm_path)
    application = Application.objects.get()
    assert application.confirmed_at is not None
    assert not Organisation.objects.public().exists()
    assert "Riverside" not in client.get(reverse("coalition:directory")).content.decode()

    services.application_approve(application=application, by=organiser(), reason="Local partner")
    decision_mail = smtp.wait_for(email, count=2)[1]
    assert "approved" in decision_mail["Subject"]
    invitation_path = link_in(decision_mail, "/coalition/invitation/")
    assert client.get(invitation_path).status_code == 200


def test_decline_mail_carries_the_reason_over_smtp(worker, smtp, client):
    email = "jo@elsewhere.example.net"
    client.post(reverse("coalition:apply"), apply_data(email=email))
    (confirm_mail,) = smtp.wait_for(email)
    client.post(link_in(confirm_mail, "/coalition/join/confirm/"))
    services.application_decline(
        application=Application.objects.get(), by=organiser(), reason="Your <b>website</b> sells cameras"
    )
    decline_mail = smtp.wait_for(email, count=2)[1]
    text = decline_mail.get_body(preferencelist=("plain",)).get_content()
    html = decline_mail.get_body(preferencelist=("html",)).get_content()
    assert "Your <b>website</b> sells cameras" in text
    assert "Your &lt;b&gt;website&lt;/b&gt; sells cameras" in html
    assert "/coalition/invitation/" not in text
