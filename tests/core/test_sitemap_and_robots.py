"""/sitemap.xml lists every public page and nothing else; /robots.txt points to it."""

import pytest

from campaign.coalition.models import Organisation
from campaign.petitions.models import Petition
from tests.articles.factories import DeploymentFactory, DocumentFactory
from tests.coalition.factories import OrganisationFactory, PendingOrganisationFactory
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

SITE = "https://campaign.example"


@pytest.fixture
def sitemap(client, settings):
    settings.SITE_URL = SITE

    def read() -> str:
        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        return response.content.decode()

    return read


def test_the_sitemap_lists_the_home_page_and_the_lists(sitemap):
    body = sitemap()
    for path in ("/", "/letters/", "/coalition/", "/evidence/", "/evidence/deployments/"):
        assert f"<loc>{SITE}{path}</loc>" in body


def test_the_sitemap_lists_open_and_closed_letters_but_no_draft(sitemap):
    open_letter = PetitionFactory(slug="open-one", status=Petition.Status.OPEN)
    closed = PetitionFactory(slug="closed-one", status=Petition.Status.CLOSED)
    PetitionFactory(slug="draft-one", status=Petition.Status.DRAFT)
    body = sitemap()
    assert f"<loc>{SITE}{open_letter.get_absolute_url()}</loc>" in body
    assert f"<loc>{SITE}{closed.get_absolute_url()}</loc>" in body
    assert "draft-one" not in body


def test_the_sitemap_lists_approved_members_only(sitemap):
    member = OrganisationFactory(slug="approved-member")
    PendingOrganisationFactory(slug="pending-member")
    OrganisationFactory(slug="suspended-member", status=Organisation.Status.SUSPENDED)
    body = sitemap()
    assert f"<loc>{SITE}{member.get_absolute_url()}</loc>" in body
    assert "pending-member" not in body
    assert "suspended-member" not in body


def test_the_sitemap_lists_deployments_and_documents_at_their_numbers(sitemap):
    deployment = DeploymentFactory()
    document = DocumentFactory()
    body = sitemap()
    assert f"<loc>{SITE}{deployment.get_absolute_url()}</loc>" in body
    assert f"<loc>{SITE}/evidence/{document.number}/</loc>" in body
    assert "/evidence/items/" not in body


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_private_pages(client, settings):
    settings.SITE_URL = SITE
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    for path in ("/admin/", "/organise/", "/accounts/", "/partners/", "/letters/*/confirm/", "/letters/*/withdraw/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /fr/letters/*/confirm/" in lines
    assert "Disallow: /" not in lines  # the public pages stay open
    assert not response.cookies


def test_the_sitemap_lists_each_page_in_every_language_with_its_alternates(sitemap):
    letter = PetitionFactory(slug="open-one", status=Petition.Status.OPEN)
    body = sitemap()
    for prefix in ("", "/fr", "/de", "/es", "/pt-br"):
        assert f"<loc>{SITE}{prefix}/letters/open-one/</loc>" in body
    assert f'hreflang="fr" href="{SITE}/fr{letter.get_absolute_url()}"' in body
    assert f'hreflang="x-default" href="{SITE}{letter.get_absolute_url()}"' in body
