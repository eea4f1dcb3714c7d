from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from campaign.accounts.roles import EDITOR, needs_mfa, roles_sync
from campaign.articles import selectors
from campaign.articles.models import (
    DemandCitation,
    Deployment,
    DeploymentEvent,
    Document,
    DocumentSummary,
    KeyFigure,
    Win,
)
from tests.accounts.helpers import enrol_totp
from tests.articles.factories import DocumentFactory, PublisherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    """Someone in the editor role, as an organiser would set them up."""
    roles_sync()
    user = django_user_model.objects.create_user(email="editor@example.org", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    enrol_totp(user)  # every staff user uses two-factor authentication
    return user


@pytest.fixture
def admin_client(client, editor, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.force_login(editor)
    return client


def document_form(publisher, **changes):
    data = {
        "title": "A new report",
        "slug": "a-new-report",
        "url": "https://Example.org/report/?utm_source=news",
        "archive_url": "",
        "publisher": publisher.pk,
        "authors": "",
        "published_on": "2021-06-07",
        "published_precision": "day",
        "doc_type": "news",
        "language": "en",
        "summary": "Our words.",
        "quote": "",
        "quote_attribution": "",
        "summaries-TOTAL_FORMS": "0",
        "summaries-INITIAL_FORMS": "0",
        "deployment_links-TOTAL_FORMS": "0",
        "deployment_links-INITIAL_FORMS": "0",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_adds_a_draft_with_a_normalised_link_and_indexes_it(admin_client):
    publisher = PublisherFactory()
    response = admin_client.post(reverse("admin:articles_document_add"), document_form(publisher))
    assert response.status_code == 302
    document = Document.objects.get(slug="a-new-report")
    assert document.status == Document.Status.DRAFT
    assert document.url == "https://example.org/report"
    assert Document.objects.filter(search_vector="report").exists()


def test_admin_adds_a_summary_in_another_language_inline(admin_client):
    publisher = PublisherFactory()
    data = document_form(
        publisher,
        **{
            "summaries-TOTAL_FORMS": "1",
            "summaries-0-language": "fr",
            "summaries-0-text": "Nos mots, en français.",
        },
    )
    assert admin_client.post(reverse("admin:articles_document_add"), data).status_code == 302
    document = Document.objects.get(slug="a-new-report")
    assert list(document.summaries.values_list("language", "text")) == [("fr", "Nos mots, en français.")]


def test_admin_refuses_a_link_already_in_the_library(admin_client):
    existing = DocumentFactory(url="https://example.org/report")
    response = admin_client.post(
        reverse("admin:articles_document_add"), document_form(PublisherFactory(), url="HTTPS://example.org/report/")
    )
    assert response.status_code == 200
    assert f"already in the library as #{existing.number}" in response.content.decode()


def test_admin_warns_of_a_similar_title_from_the_same_publisher(admin_client):
    publisher = PublisherFactory()
    DocumentFactory(publisher=publisher, title="Police scan fingerprints in the street")
    response = admin_client.post(
        reverse("admin:articles_document_add"),
        document_form(publisher, title="Police scan fingerprints in the streets", url=""),
        follow=True,
    )
    assert "Possible duplicate" in response.content.decode()


def test_possible_duplicates_ignore_other_publishers():
    DocumentFactory(title="Police scan fingerprints in the street")
    assert (
        selectors.document_possible_duplicates(
            title="Police scan fingerprints in the street", publisher_id=PublisherFactory().pk, exclude_pk=None
        )
        == []
    )


def test_admin_publish_action_moves_drafts_to_published(admin_client):
    draft = DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    admin_client.post(
        reverse("admin:articles_document_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.PUBLISHED and draft.published_at is not None


def test_admin_change_page_shows_a_sanitised_preview(admin_client):
    document = DocumentFactory(summary="**bold** <script>alert(1)</script>")
    body = admin_client.get(reverse("admin:articles_document_change", args=[document.pk])).content.decode()
    assert "<strong>bold</strong>" in body
    assert "<script>alert(1)</script>" not in body


def test_the_editor_role_may_edit_the_library_but_not_delete_documents_nor_see_signatures(editor):
    assert editor.has_perm("articles.add_document") and editor.has_perm("articles.change_deployment")
    assert editor.has_perm("articles.add_demandcitation")
    assert not editor.has_perm("articles.delete_document")
    assert needs_mfa(editor)


def test_an_editor_cannot_delete_a_document_in_the_admin(admin_client):
    document = DocumentFactory()
    response = admin_client.get(reverse("admin:articles_document_delete", args=[document.pk]))
    assert response.status_code == 403


def library_counts() -> tuple[int, ...]:
    return tuple(
        queryset.count()
        for queryset in (
            Document.objects.published(),
            Deployment.objects.all(),
            DeploymentEvent.objects.all(),
            KeyFigure.objects.all(),
            Win.objects.all(),
            DemandCitation.objects.all(),
        )
    )


def test_load_demo_builds_the_library_from_the_seeds_and_is_idempotent(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("load_demo", stdout=StringIO())
    counts = library_counts()
    call_command("load_demo", stdout=StringIO())
    assert library_counts() == counts
    assert counts[0] >= 8
    with_history = [d for d in Deployment.objects.all() if d.events.count() >= 2]
    assert len(with_history) >= 3
    assert KeyFigure.objects.filter(value_display="22 of 43").exists()
    assert KeyFigure.objects.filter(value_display="21,600").exists()
    assert Document.objects.filter(search_vector="smartwatch").exists()
    demands_citing = DemandCitation.objects.values("demand").distinct().count()
    assert demands_citing == 5
    summaries = DocumentSummary.objects.filter(document__slug="access-now-175-organisations-ban-biometric-surveillance")
    assert set(summaries.values_list("language", flat=True)) == {"fr", "de", "es", "pt-br"}


@pytest.mark.parametrize(
    "model",
    [
        "document",
        "deployment",
        "publisher",
        "entity",
        "topic",
        "technology",
        "country",
        "keyfigure",
        "win",
        "demandcitation",
    ],
)
def test_admin_pages_of_every_library_model_render(admin_client, model):
    DocumentFactory()
    assert admin_client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:articles_{model}_add")).status_code == 200


def test_admin_document_change_page_renders(admin_client):
    document = DocumentFactory()
    assert admin_client.get(reverse("admin:articles_document_change", args=[document.pk])).status_code == 200
