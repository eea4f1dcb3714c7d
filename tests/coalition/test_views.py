import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.coalition import services
from campaign.coalition.forms import ApplicationForm
from campaign.coalition.models import Application, Organisation
from tests.coalition.factories import EndorsementFactory, OrganisationFactory, PendingOrganisationFactory
from tests.coalition.helpers import apply_data
from tests.core.helpers import old_stamp
from tests.factories import HOSTILE, PetitionFactory

pytestmark = pytest.mark.django_db

RAW_SCRIPT = "<script>alert"


# --- Directory and organisation pages ---------------------------------------------------


def test_directory_lists_approved_members_escaped_with_headline_map_and_table(client):
    OrganisationFactory(country="GB")
    OrganisationFactory(country="GB")
    OrganisationFactory(country="BR")
    hidden = PendingOrganisationFactory(name="Secret Applicant", country="JP")
    response = client.get(reverse("coalition:directory"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 organisations in 2 countries" in html
    assert RAW_SCRIPT not in html
    assert "Rights &lt;script&gt;" in html
    assert hidden.name not in html
    assert re.search(r'<g class="tile tile--member"><rect[^>]*><title>Brazil: 1</title>', html)
    assert re.search(r'<g class="tile"><rect[^>]*><title>Japan</title>', html)
    assert "<td>United Kingdom</td><td>2</td>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("country=BR", ["Brasil"]), ("kind=union", ["Union"]), ("tier=lead", ["Lead"]), ("q=brasil", ["Brasil"])],
)
def test_directory_filters(client, query, expected):
    OrganisationFactory(name="Brasil Group", country="BR")
    OrganisationFactory(name="Union Group", kind="union")
    OrganisationFactory(name="Lead Group", tier="lead")
    html = client.get(f"{reverse('coalition:directory')}?{query}").content.decode()
    names = re.findall(r'class="org-list__name"[^>]*>([^<]+)<', html)
    assert [name.split()[0] for name in names] == expected


def test_directory_survives_nonsense_filters(client):
    OrganisationFactory()
    response = client.get(reverse("coalition:directory"), {"country": "<x>", "tier": "boss", "q": "x" * 500})
    assert response.status_code == 200


def test_organisation_page_shows_member_escaped_with_endorsements(client):
    endorsement = EndorsementFactory()
    organisation = endorsement.organisation
    response = client.get(organisation.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert RAW_SCRIPT not in html
    assert "&lt;i&gt;policing&lt;/i&gt;" in html
    assert "Stop &lt;b&gt;face&lt;/b&gt; scans" in html


@pytest.mark.parametrize("status", ["applied", "verified", "review", "declined", "suspended"])
def test_organisation_page_is_404_unless_approved(client, status):
    joined = {"joined_at": timezone.now()} if status == "suspended" else {}
    organisation = PendingOrganisationFactory(status=status, **joined)
    assert client.get(reverse("coalition:organisation", args=[organisation.slug])).status_code == 404


def test_logo_served_as_png_for_members_only(client):
    organisation = OrganisationFactory(logo_large=b"\x89PNG large", logo_small=b"\x89PNG small", logo_hash="abc")
    response = client.get(organisation.logo_url("small"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == b"\x89PNG small"
    assert client.get(reverse("coalition:logo", args=[organisation.slug, "huge", "abc"])).status_code == 404
    assert client.get(reverse("coalition:logo", args=[organisation.slug, "small", "old"])).status_code == 404
    Organisation.objects.filter(pk=organisation.pk).update(status="suspended")
    assert client.get(organisation.logo_url("small")).status_code == 404


# --- Applying ---------------------------------------------------------------------------


def test_join_page_renders_form_with_principles(client):
    PetitionFactory()
    response = client.get(reverse("coalition:apply"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="is_authorised"' in html and 'name="accepts_principles"' in html
    assert "<legend>Letters the organisation endorses" in html
    assert RAW_SCRIPT not in html
    stamp = re.search(r'name="stamp" value="([^"]+)"', html).group(1)
    assert ApplicationForm.stamp_signer().unsign(stamp, max_age=60) == ""  # made now, for this form
    assert 'class="honeypot" aria-hidden="true"' in html and 'name="nickname"' in html


def test_apply_stores_application_and_mails_a_confirmation(client, mailoutbox, django_capture_on_commit_callbacks):
    letter = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coalition:apply"), apply_data(letters=[letter.pk], countries_active=["FR", "DE"])
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("coalition:apply-thanks")
    application = Application.objects.get()
    assert application.organisation.status == "applied"
    assert application.principles_version
    assert list(application.letters.all()) == [letter]
    assert [country.code for country in application.organisation.countries_active] == ["DE", "FR"]
    assert len(mailoutbox) == 1


def test_apply_honeypot_pretends_and_stores_nothing(client, mailoutbox):
    response = client.post(reverse("coalition:apply"), apply_data(nickname="bot"))
    assert response.status_code == 302
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Visit www.spam.com now"}, "name"),
        ({"applicant_name": "http://spam.example"}, "applicant_name"),
        ({"name": "x" * 151}, "name"),
        ({"description": "x" * 601}, "description"),
        ({"why": "x" * 1001}, "why"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://files.example.org"}, "website"),
        ({"email": "not-an-address"}, "email"),
        ({"is_authorised": None}, "is_authorised"),
        ({"accepts_principles": None}, "accepts_principles"),
        ({"name": "Bell\x07 Group"}, "name"),
        ({"country": "XX"}, "country"),
        ({"countries_active": ["FR", "ZZ"]}, "countries_active"),
    ],
)
def test_apply_refuses_bad_input_with_a_message_and_keeps_the_rest(client, overrides, field):
    response = client.post(reverse("coalition:apply"), apply_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert 'value="Sam Rivers"' in response.content.decode() or field == "applicant_name"
    assert not Application.objects.exists()


def test_apply_refuses_a_form_sent_back_too_fast(client):
    response = client.post(reverse("coalition:apply"), apply_data(stamp=old_stamp(ApplicationForm, 0)))
    assert "quick" in str(response.context["form"].non_field_errors())
    assert not Application.objects.exists()


def test_apply_escapes_hostile_input_when_redisplaying(client):
    response = client.post(reverse("coalition:apply"), apply_data(description=HOSTILE, email="bad"))
    assert RAW_SCRIPT not in response.content.decode()


def test_apply_is_rate_limited_per_address(client, settings):
    settings.COALITION_APPLY_RATE_PER_ADDRESS_PER_HOUR = 2
    statuses = [
        client.post(reverse("coalition:apply"), apply_data(email="same@riverside-privacy.example.org")).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Application.objects.count() == 2


def test_apply_is_rate_limited_per_ip(client, settings):
    settings.COALITION_APPLY_RATE_PER_IP_PER_HOUR = 1
    first = client.post(reverse("coalition:apply"), apply_data(email="a@riverside-privacy.example.org"))
    second = client.post(reverse("coalition:apply"), apply_data(email="b@riverside-privacy.example.org"))
    assert (first.status_code, second.status_code) == (302, 429)
    assert second["Retry-After"] == "3600"
    assert f'href="{reverse("coalition:directory")}"' in second.content.decode()  # the way back


def _submitted() -> Application:
    return services.application_submit(
        details=services.ApplicationDetails(
            name=f"Quiet {HOSTILE}", website="https://quiet.example.org", country="FR", description=HOSTILE,
            applicant_name="Jo", applicant_role="Chair", email="jo@quiet.example.org", why=HOSTILE,
            principles_version="v1",
        )
    )  # fmt: skip


def test_confirm_link_shows_a_button_and_changes_nothing_on_get(client):
    application = _submitted()
    url = reverse("coalition:confirm", args=[services.confirm_token(application)])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="post"' in html
    assert RAW_SCRIPT not in html
    application.refresh_from_db()
    assert application.confirmed_at is None


def test_confirm_post_confirms(client):
    application = _submitted()
    response = client.post(reverse("coalition:confirm", args=[services.confirm_token(application)]))
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.confirmed_at is not None


def test_confirm_with_bad_token_is_a_clear_400(client):
    response = client.post(reverse("coalition:confirm", args=["garbage"]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_nothing_an_applicant_typed_is_public_after_confirming(client):
    letter = PetitionFactory()
    application = _submitted()
    application.letters.set([letter])
    services.application_confirm_email(application=application)
    pages = [
        reverse("coalition:directory"),
        reverse("coalition:directory") + "?q=Quiet",
        letter.get_absolute_url(),
        reverse("api:organisation-list"),
        reverse("api:petition-list"),
        reverse("home"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Quiet &lt;" not in html, url
        assert "Quiet <" not in html, url
        assert "quiet.example.org" not in html, url
    assert client.get(reverse("coalition:organisation", args=[application.organisation.slug])).status_code == 404
    assert client.get(reverse("api:organisation-detail", args=[application.organisation.slug])).status_code == 404


# --- The letter page --------------------------------------------------------------------


def test_letter_page_groups_endorsers_by_tier_and_dates_late_joiners_and_withdrawals(client):
    letter = PetitionFactory()
    opened = letter.opens_at
    EndorsementFactory(petition=letter, organisation__name="Alpha Lead", organisation__tier="lead", endorsed_at=opened)
    EndorsementFactory(petition=letter, organisation__name="Beta Member", organisation__tier="member",
                       endorsed_at=opened + timedelta(days=10))  # fmt: skip
    EndorsementFactory(petition=letter, organisation__name="Gamma Gone", endorsed_at=opened,
                       withdrawn_at=opened + timedelta(days=3))  # fmt: skip
    EndorsementFactory(petition=letter, organisation=PendingOrganisationFactory(name="Delta Pending"))
    html = client.get(letter.get_absolute_url()).content.decode()
    section = html[html.index('id="endorsements-heading"') : html.index('id="wall-heading"')]
    assert section.index("Lead organisation") < section.index("Alpha Lead") < section.index("Member")
    assert "endorsed at launch" in section[section.index("Alpha Lead") :]
    late = (opened + timedelta(days=10)).strftime("%-d %B %Y")
    assert f"joined {late}" in section
    assert "Gamma Gone" in section[section.index("Withdrawn endorsements") :]
    assert f"withdrawn {(opened + timedelta(days=3)).strftime('%-d %B %Y')}" in section
    assert "Delta Pending" not in html
    assert RAW_SCRIPT not in html


# --- API --------------------------------------------------------------------------------


def test_api_lists_public_members_only(client):
    member = OrganisationFactory(logo_hash="abc", logo_small=b"x", logo_large=b"y")
    PendingOrganisationFactory()
    data = client.get(reverse("api:organisation-list")).json()
    assert data["results"] == [
        {
            "name": member.name,
            "slug": member.slug,
            "country": "GB",
            "website": member.website,
            "url": f"http://127.0.0.1:8000{member.get_absolute_url()}",
            "tier": "endorser",
            "logo_url": f"http://127.0.0.1:8000{member.logo_url()}",
        }
    ]


def test_api_detail_and_json_404(client):
    member = OrganisationFactory()
    pending = PendingOrganisationFactory()
    assert client.get(reverse("api:organisation-detail", args=[member.slug])).json()["logo_url"] is None
    for slug in [pending.slug, "nope"]:
        response = client.get(reverse("api:organisation-detail", args=[slug]))
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_letters_api_counts_active_member_endorsements(client):
    letter = PetitionFactory()
    other = PetitionFactory()
    EndorsementFactory(petition=letter)
    EndorsementFactory(petition=letter)
    EndorsementFactory(petition=letter, withdrawn_at=letter.opens_at + timedelta(days=9), endorsed_at=letter.opens_at)
    EndorsementFactory(petition=letter, organisation=PendingOrganisationFactory())
    listed = {row["slug"]: row["organisations"] for row in client.get(reverse("api:petition-list")).json()["results"]}
    assert listed == {letter.slug: 2, other.slug: 0}
    assert client.get(reverse("api:petition-detail", args=[letter.slug])).json()["organisations"] == 2


def test_organisation_page_shows_only_https_links(client):
    organisation = OrganisationFactory(links=["https://ok.example.org/", "javascript:alert(1)", 42])
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "https://ok.example.org/" in html
    assert "javascript:" not in html
