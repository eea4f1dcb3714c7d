"""Staff see a letter as readers will, before it opens; no one else does."""

import pytest
from django.urls import reverse

from campaign.accounts.models import User
from campaign.petitions.models import Petition
from tests.accounts.helpers import enrol_totp
from tests.factories import HOSTILE, PetitionFactory

pytestmark = pytest.mark.django_db


def preview_url(petition) -> str:
    return reverse("petitions:preview", kwargs={"slug": petition.slug})


def logged_in(client, *, superuser: bool) -> User:
    if superuser:
        user = User.objects.create_superuser(email="boss@example.org", password="pw")
    else:
        user = User.objects.create_user(email="someone@example.org", password="pw")
    enrol_totp(user)
    client.force_login(user)
    return user


def test_staff_preview_a_draft_as_readers_will_see_it(client):
    petition = PetitionFactory(status=Petition.Status.DRAFT, summary=f"Summary {HOSTILE}")
    assert client.get(petition.get_absolute_url()).status_code == 404  # not public
    logged_in(client, superuser=True)
    response = client.get(preview_url(petition))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview" in html and "only staff can see this page" in html
    assert 'name="email"' in html  # the form, as it will be
    assert 'disabled aria-describedby="preview-note"' in html  # but a draft takes no signature
    assert "<script>alert" not in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_preview_of_an_open_letter_keeps_its_button(client):
    petition = PetitionFactory(status=Petition.Status.OPEN)
    logged_in(client, superuser=True)
    assert "disabled" not in client.get(preview_url(petition)).content.decode().split('name="website"')[1]


def test_preview_is_for_staff_only(client):
    petition = PetitionFactory(status=Petition.Status.DRAFT)
    response = client.get(preview_url(petition))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    logged_in(client, superuser=False)
    assert client.get(preview_url(petition)).status_code == 403


def test_the_admin_links_a_draft_to_its_preview(client):
    petition = PetitionFactory(status=Petition.Status.DRAFT)
    logged_in(client, superuser=True)
    html = client.get(reverse("admin:petitions_petition_change", args=[petition.pk])).content.decode()
    assert preview_url(petition) in html
