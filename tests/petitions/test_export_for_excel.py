"""The signature export comes plain, and with a byte-order mark for Excel."""

import csv
import io

import pytest
from django.urls import reverse

from tests.accounts.helpers import reauthenticate
from tests.factories import PetitionFactory
from tests.petitions.test_admin import confirmed, staff

pytestmark = pytest.mark.django_db


def download(client, petition, **query) -> bytes:
    reauthenticate(client, "pw")  # an export asks for the password again
    response = client.get(reverse("admin:petitions_petition_export", args=[petition.pk]), query)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_export_for_excel_starts_with_a_byte_order_mark(client):
    petition = PetitionFactory()
    confirmed(petition, name="Fernández", email="f@example.org")
    client.force_login(staff("view_petition", "export_signatures"))
    response, body = download(client, petition, **{"for": "excel"})
    assert body.startswith("\ufeff".encode())
    assert "excel" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == "Fernández"


def test_export_plain_has_no_byte_order_mark_and_quotes_every_cell(client):
    petition = PetitionFactory()
    confirmed(petition, name="x;=cmd|' /C calc'!A0", email="f@example.org")
    client.force_login(staff("view_petition", "export_signatures"))
    _response, body = download(client, petition)
    text = body.decode()
    assert text.startswith('"name","email"')
    assert "\"x;'=cmd|' /C calc'!A0\"" in text


def test_export_links_offer_a_copy_for_excel(client):
    petition = PetitionFactory()
    client.force_login(staff("view_petition", "export_signatures"))
    html = client.get(reverse("admin:petitions_petition_changelist")).content.decode()
    assert reverse("admin:petitions_petition_export", args=[petition.pk]) + "?for=excel" in html
