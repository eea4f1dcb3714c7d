from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from campaign.articles import services
from campaign.articles.models import DemandCitation, Document, KeyFigure
from tests.accounts.helpers import enrol_totp
from tests.articles.factories import (
    CountryFactory,
    DeploymentFactory,
    DocumentFactory,
    EntityFactory,
    TopicFactory,
    event,
    link,
)
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return client


def test_library_page_lists_published_documents_escaped(client):
    DocumentFactory(title='Scans <script>alert("t")</script> & co')
    DocumentFactory(title="Hidden draft", status=Document.Status.DRAFT, published_at=None)
    body = client.get(reverse("articles:list")).content.decode()
    assert "Scans &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; co" in body
    assert "<script>alert" not in body
    assert "Hidden draft" not in body


def test_library_page_shows_search_highlights_and_facets(client):
    topic = TopicFactory(slug="police", name="Police")
    DocumentFactory(title="Fingerprint scanners", summary="Street fingerprint checks.", topics=[topic])
    body = client.get(reverse("articles:list"), {"q": "fingerprint", "topic": "police"}).content.decode()
    assert "<mark>fingerprint</mark>" in body
    assert 'name="topic" value="police" checked' in body
    assert "1 document" in body


def test_library_page_reports_bad_filters_without_failing(client):
    response = client.get(reverse("articles:list"), {"year": "abc", "page": "zz", "sort": "up"})
    assert response.status_code == 200
    assert "Ignored the filter year" in response.content.decode()


def test_library_page_links_feeds_and_exports_with_the_same_query(client):
    body = client.get(reverse("articles:list"), {"q": "face", "country": "gb"}).content.decode()
    assert f"{reverse('articles:feed-rss')}?q=face&amp;country=GB" in body
    assert f"{reverse('articles:export-csv')}?q=face&amp;country=GB" in body


def test_library_page_offers_did_you_mean(client):
    EntityFactory(name="Metropolitan Police Service", slug="met")
    body = client.get(reverse("articles:list"), {"q": "Metropolitn"}).content.decode()
    assert "Did you mean" in body and "Metropolitan Police Service" in body


def test_document_page_sanitises_the_summary_and_offers_citations(client):
    document = DocumentFactory(
        summary="**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1))",
        url="https://example.org/report",
        authors="Ada Lovelace; Alan Turing",
    )
    body = client.get(document.get_absolute_url()).content.decode()
    prose = body[body.index('<div class="prose"') :]
    prose = prose[: prose.index("</div>")]
    assert "<strong>Bold</strong>" in prose
    assert "<script" not in prose and "onerror" not in prose and "javascript:" not in prose
    assert "<script>alert(1)" not in body
    assert "Cite this" in body
    assert f"@article{{lovelace2021n{document.number}," in body
    assert "Ada Lovelace; Alan Turing (7 June 2021)" in body


def test_document_page_lists_deployments_related_items_and_citing_letters(client):
    deployment = DeploymentFactory(name="Street scanners")
    document = DocumentFactory()
    other = DocumentFactory(title="Another look")
    link(document, deployment, "disputes")
    link(other, deployment)
    petition = PetitionFactory(demands=["Ban it"])
    DemandCitation.objects.create(demand=petition.demands.get(), document=document)
    body = client.get(document.get_absolute_url()).content.decode()
    assert "Street scanners" in body and "disputes" in body
    assert "Another look" in body
    assert petition.get_absolute_url() in body


def test_draft_is_hidden_from_readers_and_previewed_for_editors(client, django_user_model):
    document = DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    assert client.get(document.get_absolute_url()).status_code == 404
    editor = django_user_model.objects.create_user(email="editor@example.org", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_document"))
    enrol_totp(editor)
    client.force_login(editor)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_withdrawn_document_answers_gone_and_keeps_its_number(client):
    document = DocumentFactory()
    services.document_set_status(document=document, status=Document.Status.WITHDRAWN)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 410
    assert f"no. {document.number}" in response.content.decode()


def test_deployment_page_shows_the_timeline_in_date_order(client):
    deployment = DeploymentFactory()
    source = DocumentFactory()
    event(deployment, "banned", date(2021, 6, 1), source, precision="month")
    event(deployment, "trial", date(2019, 1, 1), source, precision="year")
    body = client.get(deployment.get_absolute_url()).content.decode()
    assert body.index("2019") < body.index("June 2021")
    assert "Status now" in body and "status--banned" in body
    assert "Cardiff &amp; &lt;b&gt;Swansea&lt;/b&gt;" in body


def test_document_and_deployment_pages_show_a_figure_as_of_its_date(client):
    deployment = DeploymentFactory()
    source = DocumentFactory()
    KeyFigure.objects.create(
        value=22,
        value_display="22 of 43",
        counts="forces",
        date=date(2021, 6, 1),
        precision="month",
        document=source,
        deployment=deployment,
    )
    assert "as of June 2021" in client.get(source.get_absolute_url()).content.decode()
    assert "as of June 2021" in client.get(deployment.get_absolute_url()).content.decode()


def test_publisher_and_entity_pages_list_what_cites_them(client):
    entity = EntityFactory()
    document = DocumentFactory(title="Named the agency")
    document.entities.add(entity)
    for url in (document.publisher.get_absolute_url(), entity.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Named the agency" in body


def test_letter_page_numbers_its_evidence_as_footnotes(client):
    petition = PetitionFactory(demands=["First demand", "Second demand"])
    first, second = petition.demands.all()
    a = DocumentFactory(title="Doc A")
    b = DocumentFactory(title="Doc B")
    DemandCitation.objects.create(demand=first, document=a, position=1)
    DemandCitation.objects.create(demand=second, document=b, position=1)
    DemandCitation.objects.create(demand=second, document=a, position=2)
    body = client.get(petition.get_absolute_url()).content.decode()
    assert body.count('href="#evidence-1"') == 2
    assert body.count('href="#evidence-2"') == 1
    assert body.index('id="evidence-1"') < body.index('id="evidence-2"')
    assert body.index("Doc A") < body.index("Doc B")


def test_home_page_figures_are_counted_from_the_data(client):
    gb, us = CountryFactory(code="GB"), CountryFactory(code="US")
    for country in (gb, gb, us):
        link(DocumentFactory(), DeploymentFactory(country=country))
    DeploymentFactory(country=CountryFactory(code="FR"))  # no document: not "documented"
    body = " ".join(client.get(reverse("home")).content.decode().split())
    assert "<strong>3</strong> deployments documented in <strong>2</strong> countries" in body


def test_sitemap_lists_published_documents_only(client, settings):
    settings.SITE_URL = "https://campaign.example"
    published = DocumentFactory()
    draft = DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    body = client.get("/sitemap.xml").content.decode()
    assert f"https://campaign.example{published.get_absolute_url()}" in body
    assert draft.get_absolute_url() not in body


def test_data_dictionary_documents_every_export_column(client):
    from campaign.articles.exports import COLUMNS

    body = client.get(reverse("articles:data-dictionary")).content.decode()
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in body
