"""Where signatures come from: ?src= codes organisers create, counted in aggregate, and a
partner's own totals behind a secret link."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from campaign.accounts.models import User
from campaign.petitions import selectors, services
from campaign.petitions.models import Signature, Source
from tests.accounts.helpers import enrol_totp
from tests.factories import HOSTILE, PetitionFactory
from tests.petitions.helpers import sign_data

pytestmark = pytest.mark.django_db


def source_in_form(html: str) -> str:
    return re.search(r'<input type="hidden" name="source"(?: value="([^"]*)")?', html).group(1) or ""


def sign_from(client, petition, query: str, email: str):
    page = client.get(petition.get_absolute_url() + query).content.decode()
    return client.post(
        reverse("petitions:sign", args=[petition.slug]), sign_data(email=email, source=source_in_form(page))
    )


def confirm_all(petition) -> None:
    for signature in Signature.objects.filter(petition=petition):
        services.signature_confirm(signature=signature)


@pytest.fixture
def partner():
    source = Source(code="riverside", name="Riverside Privacy Group")
    services.source_save(source=source)
    return source


def test_a_partner_link_records_its_source_and_an_unknown_code_counts_as_other(client, partner):
    petition = PetitionFactory()
    assert sign_from(client, petition, "?src=riverside", "a@example.org").status_code == 302
    assert sign_from(client, petition, "?src=RiverSide", "b@example.org").status_code == 302  # codes are lower-case
    assert sign_from(client, petition, "?src=somewhere-else", "c@example.org").status_code == 302
    assert sign_from(client, petition, "", "d@example.org").status_code == 302
    sources = dict(Signature.objects.values_list("email", "source__code"))
    assert sources == {
        "a@example.org": "riverside",
        "b@example.org": "riverside",
        "c@example.org": Source.OTHER,
        "d@example.org": None,
    }


def test_a_posted_code_is_checked_again(client, partner):
    petition = PetitionFactory()
    client.post(reverse("petitions:sign", args=[petition.slug]), sign_data(source=HOSTILE[:40]))
    assert Signature.objects.get().source.code == Source.OTHER


def test_a_hostile_code_is_never_echoed_into_the_page(client):
    html = Client().get(PetitionFactory().get_absolute_url() + "?src=%22%3E%3Cscript%3Ex").content.decode()
    assert source_in_form(html) == Source.OTHER
    assert "<script>x" not in html


def test_the_page_kept_for_everyone_carries_no_partner_code(partner):
    petition = PetitionFactory()
    assert source_in_form(Client().get(petition.get_absolute_url() + "?src=riverside").content.decode()) == "riverside"
    assert source_in_form(Client().get(petition.get_absolute_url()).content.decode()) == ""
    assert source_in_form(Client().get(petition.get_absolute_url() + "?src=riverside").content.decode()) == "riverside"


def test_a_new_code_works_at_once():
    petition = PetitionFactory()
    assert selectors.source_code_for("newsletter") == Source.OTHER  # cached as unknown
    services.source_save(source=Source(code="newsletter", name="Our newsletter", kind=Source.Kind.CHANNEL))
    assert source_in_form(Client().get(petition.get_absolute_url() + "?src=newsletter").content.decode()) == (
        "newsletter"
    )


def test_the_partner_page_shows_confirmed_totals_and_no_one(client, partner, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    other_letter = PetitionFactory()
    for number in range(3):
        sign_from(client, petition, "?src=riverside", f"fernandez{number}@example.org")
    sign_from(client, petition, "", "direct@example.org")
    sign_from(client, other_letter, "?src=riverside", "pending@example.org")  # never confirmed
    with django_capture_on_commit_callbacks(execute=True):
        confirm_all(petition)

    response = Client().get(partner.get_partner_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf"{re.escape(escape(petition.title))}</a></th>\s*<td>3</td>\s*<td>4</td>", html)
    assert other_letter.title not in html  # nothing confirmed through the link there
    assert "fernandez" not in html and "Amara" not in html and "@example.org" not in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert not response.cookies


def test_a_replaced_partner_link_stops_working(partner):
    old_url = partner.get_partner_url()
    services.source_new_partner_link(source=partner)
    assert Client().get(old_url).status_code == 404
    assert Client().get(partner.get_partner_url()).status_code == 200


def test_an_unknown_partner_link_is_not_found():
    assert Client().get(reverse("partner-totals", args=["x" * 32])).status_code == 404


def test_source_totals_count_confirmed_signatures_per_source(client, partner):
    petition = PetitionFactory()
    sign_from(client, petition, "?src=riverside", "a@example.org")
    sign_from(client, petition, "?src=riverside", "b@example.org")
    sign_from(client, petition, "?src=unknown", "c@example.org")
    confirm_all(petition)
    Signature.objects.filter(email="b@example.org").update(invalidated_at="2026-01-01T00:00Z")
    totals = {source.code: count for source, count in selectors.source_totals()}
    assert totals == {"riverside": 1, Source.OTHER: 1}


def test_the_database_refuses_a_code_that_is_not_a_lower_case_slug():
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(code="Not A Slug", name="x")


def test_organisers_create_a_source_in_the_admin_and_see_its_links(client):
    petition = PetitionFactory()
    boss = User.objects.create_superuser(email="boss@example.org", password="pw")
    enrol_totp(boss)
    client.force_login(boss)
    response = client.post(
        reverse("admin:petitions_source_add"), {"name": "Video", "code": "video", "kind": "channel"}, follow=True
    )
    assert response.status_code == 200
    source = Source.objects.get(code="video")
    html = client.get(reverse("admin:petitions_source_change", args=[source.pk])).content.decode()
    assert f"{petition.get_absolute_url()}?src=video" in html
    assert source.get_partner_url() in html
    assert selectors.source_code_for("video") == "video"
    other = Source.objects.get(code=Source.OTHER)
    assert client.get(reverse("admin:petitions_source_delete", args=[other.pk])).status_code == 403


def test_counts_by_source_for_one_letter_include_those_who_came_straight(
    client, partner, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    sign_from(client, petition, "?src=riverside", "a@example.org")
    sign_from(client, petition, "?src=riverside", "b@example.org")
    sign_from(client, petition, "?src=elsewhere", "c@example.org")
    sign_from(client, petition, "", "d@example.org")
    sign_from(client, PetitionFactory(), "?src=riverside", "e@example.org")  # another letter
    with django_capture_on_commit_callbacks(execute=True):
        confirm_all(petition)
    assert selectors.source_counts(petition) == [
        ("Riverside Privacy Group", 2),
        ("Other links", 1),
        ("Straight to the letter", 1),
    ]


def test_counts_by_source_read_only_the_sources_index(partner):
    """At a million signatures the planner takes the partial index for itself; on a
    test's few rows it is told not to scan the table, to show the index fits the query."""
    counted = Signature.objects.counted().filter(petition=PetitionFactory(), source__isnull=False)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "signature_source_idx" in counted.values("source").annotate(total=Count("id")).explain()
