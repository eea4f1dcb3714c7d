import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from campaign.accounts.models import User
from campaign.petitions import selectors, services
from campaign.petitions.models import Petition, PetitionTranslation, Signature, SignatureExport
from tests.accounts.helpers import enrol_totp, reauthenticate
from tests.factories import PetitionFactory
from tests.petitions.helpers import sign_data

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'name="(csrfmiddlewaretoken|stamp)" value="([^"]*)"')


def staff(*permissions: str) -> User:
    user = User.objects.create_user(email="staff@example.org", password="pw", is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    enrol_totp(user)  # whoever sees signatures must use two-factor authentication
    return user


def confirmed(petition, **values):
    details = {"name": "Someone", "email": "someone@example.org", "country": "GB", **values}
    signature = services.signature_create(petition=petition, details=services.SignatureDetails(**details))
    services.signature_confirm(signature=signature)
    return signature


def export(client, petition):
    reauthenticate(client, "pw")  # an export asks for the password again
    response = client.get(reverse("admin:petitions_petition_export", args=[petition.pk]))
    return response, list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_streams_counted_signatures_with_formula_safe_cells(client):
    petition = PetitionFactory()
    confirmed(petition, name='=HYPERLINK("http://evil")', email="a@example.org", affiliation="@SUM(1)")
    confirmed(petition, name="Plain Name", email="b@example.org")
    services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Pending", email="c@example.org", country="GB")
    )
    user = staff("view_petition", "export_signatures")
    client.force_login(user)
    response, rows = export(client, petition)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:2] == ["name", "email"]
    names = [row[0] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil")', "Plain Name"]
    assert rows[1][4] == "'@SUM(1)"
    assert SignatureExport.objects.get().exported_by == user


def test_export_refused_without_permission(client):
    petition = PetitionFactory()
    client.force_login(staff("view_petition"))
    reauthenticate(client, "pw")
    response = client.get(reverse("admin:petitions_petition_export", args=[petition.pk]))
    assert response.status_code == 403
    assert not SignatureExport.objects.exists()


def test_export_refused_to_anonymous(client):
    petition = PetitionFactory()
    response = client.get(reverse("admin:petitions_petition_export", args=[petition.pk]))
    assert response.status_code == 302


def test_admin_invalidate_action_lowers_count(client):
    petition = PetitionFactory()
    signature = confirmed(petition)
    boss = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(boss)
    client.force_login(boss)
    response = client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "invalidate", "_selected_action": [signature.pk]},
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.invalidated_at is not None
    assert not Signature.objects.counted().exists()


def empty_inline(prefix: str) -> dict:
    """The management form of an inline the post leaves as it is."""
    return {
        f"{prefix}-{key}": value
        for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}.items()
    }


def admin_change(client, petition, **changes):
    """Save the letter through its admin page, as an organiser does."""
    boss = User.objects.filter(email="boss@example.org").first()
    if boss is None:
        boss = User.objects.create_superuser(email="boss@example.org", password="pw")
        enrol_totp(boss)
    client.force_login(boss)
    url = reverse("admin:petitions_petition_change", args=[petition.pk])
    demand = petition.demands.get()
    data = {
        "kind": petition.kind,
        "title": petition.title,
        "slug": petition.slug,
        "status": petition.status,
        "language": "en",
        "addressee": "Parliament",
        "goal": 100,
        "summary": "s",
        "body": "b",
        "opens_at_0": "",
        "opens_at_1": "",
        "closes_at_0": "",
        "closes_at_1": "",
        "demands-TOTAL_FORMS": 1,
        "demands-INITIAL_FORMS": 1,
        "demands-MIN_NUM_FORMS": 0,
        "demands-MAX_NUM_FORMS": 1000,
        "demands-0-id": demand.pk,
        "demands-0-petition": petition.pk,
        "demands-0-position": 1,
        "demands-0-text": demand.text,
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
        "versions-MIN_NUM_FORMS": 0,
        "versions-MAX_NUM_FORMS": 0,
        **empty_inline("translations"),
        **empty_inline("deliveries"),
        **empty_inline("responses"),
        **changes,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors or [
        formset.formset.errors for formset in response.context["inline_admin_formsets"]
    ]
    client.logout()


def sign_with(visitor, petition, page, email):
    form = {**dict(TOKENS.findall(page.content.decode())), "name": "Amara", "email": email}
    form.update(country="GB", consent="on", website="")
    return visitor.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), form)


def test_admin_saving_open_letter_text_bumps_version_and_shows_at_once(client, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    petition = PetitionFactory(status=Petition.Status.OPEN)
    services.petition_record_version(petition=petition)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(petition.get_absolute_url())
    assert "A new title" not in page.content.decode()  # now in the page cache, with its facts
    admin_change(client, petition, title="A new title")
    petition.refresh_from_db()
    assert petition.version == 2
    assert petition.versions.get(number=2).title == "A new title"
    assert "A new title" in reader.get(petition.get_absolute_url()).content.decode()
    # A form from the page as it was: the signature still records the text now current.
    assert sign_with(reader, petition, page, "amara@example.org").status_code == 302
    assert Signature.objects.get(petition=petition).petition_version == 2


def test_admin_closing_a_letter_stops_signatures_at_once_though_its_page_was_cached(client, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    petition = PetitionFactory(status=Petition.Status.OPEN)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(petition.get_absolute_url())  # cached while open
    assert sign_with(visitor, petition, page, "early@example.org").status_code == 302  # the letter cached for signing
    admin_change(client, petition, status="closed")
    response = sign_with(visitor, petition, page, "late@example.org")
    assert response.status_code == 409
    assert list(Signature.objects.filter(petition=petition).values_list("email", flat=True)) == ["early@example.org"]


def test_admin_deleting_a_letter_takes_its_page_down_at_once(client):
    petition = PetitionFactory(status=Petition.Status.OPEN)
    reader = Client()
    assert reader.get(petition.get_absolute_url()).status_code == 200  # now in the page cache
    boss = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(boss)
    client.force_login(boss)
    assert selectors.public_letter(petition.slug) == petition  # now in the cache signing reads
    response = client.post(reverse("admin:petitions_petition_delete", args=[petition.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert reader.get(petition.get_absolute_url()).status_code == 404
    assert reader.post(reverse("petitions:sign", args=[petition.slug]), sign_data()).status_code == 404


def test_admin_signature_search_and_filters_render(client):
    petition = PetitionFactory()
    confirmed(petition)
    boss = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(boss)
    client.force_login(boss)
    response = client.get(reverse("admin:petitions_signature_changelist") + "?q=someone&confirmed_at__isempty=0")
    assert response.status_code == 200
    assert "someone@example.org" in response.content.decode()


def test_admin_adds_a_translation_inline_and_counts_its_versions(client):
    petition = PetitionFactory(status=Petition.Status.OPEN)
    services.petition_record_version(petition=petition)
    french = {
        "translations-TOTAL_FORMS": 1,
        "translations-0-petition": petition.pk,
        "translations-0-language": "fr",
        "translations-0-title": "Interdire",
        "translations-0-summary": "Résumé",
        "translations-0-addressee": "Au Parlement",
        "translations-0-body": "Texte",
        "translations-0-demands": "L'interdire",
    }
    admin_change(client, petition, **french)
    translation = petition.translations.get()
    assert translation.version == 1
    original = Petition.objects.get(pk=petition.pk).version
    admin_change(
        client,
        petition,
        **{
            **french,
            "translations-INITIAL_FORMS": 1,
            "translations-0-id": translation.pk,
            "translations-0-title": "Interdire maintenant",
        },
    )
    translation.refresh_from_db()
    petition.refresh_from_db()
    assert translation.version == 2 and petition.version == original  # only the French text changed
    assert petition.versions.get(language="fr", number=2).title == "Interdire maintenant"


def test_admin_refuses_a_translation_into_the_letters_own_language():
    petition = PetitionFactory()
    translation = PetitionTranslation(petition=petition, language="en", title="t", summary="s", body="b", addressee="a")
    with pytest.raises(ValidationError) as refused:
        translation.full_clean()  # as the admin's inline form does
    assert "language" in refused.value.message_dict
