import pytest
from django.http import QueryDict

from campaign.articles import search, selectors
from campaign.articles.forms import parse_library_query
from tests.articles.factories import (
    DeploymentFactory,
    DocumentFactory,
    EntityFactory,
    PublisherFactory,
    TopicFactory,
    link,
)

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    data = QueryDict(mutable=True)
    data["q"] = text
    query = parse_library_query(data)
    return list(search.library_results(query).values_list("slug", flat=True))


def test_title_match_outranks_summary_match_outranks_publisher_match():
    DocumentFactory(
        slug="in-publisher",
        title="Annual review",
        summary="Nothing here.",
        publisher=PublisherFactory(name="Smartwatch Monitor Weekly"),
    )
    DocumentFactory(slug="in-summary", title="Home Office plans", summary="Migrants must wear a smartwatch.")
    DocumentFactory(slug="in-title", title="The smartwatch scheme", summary="Plans for tagging.")
    assert found("smartwatch") == ["in-title", "in-summary", "in-publisher"]


def test_search_stems_words():
    DocumentFactory(slug="scanned", title="Fingerprints scanned in the street", summary="x")
    assert found("scanning fingerprint") == ["scanned"]


def test_websearch_quotes_match_a_phrase_only():
    DocumentFactory(slug="phrase", title="Live facial recognition at stations", summary="x")
    DocumentFactory(slug="apart", title="Facial images and live recognition of plates", summary="x")
    assert found('"live facial recognition"') == ["phrase"]
    assert sorted(found("live facial recognition")) == ["apart", "phrase"]


def test_websearch_or_and_minus():
    DocumentFactory(slug="ibm", title="IBM contract", summary="database")
    DocumentFactory(slug="buddi", title="Buddi contract", summary="smartwatch")
    DocumentFactory(slug="other", title="Unrelated", summary="nothing")
    assert sorted(found("ibm OR buddi")) == ["buddi", "ibm"]
    assert found("contract -ibm") == ["buddi"]


def test_hostile_or_malformed_search_text_does_not_fail():
    DocumentFactory(slug="x", title="Fingerprint", summary="x")
    assert found('"unclosed & | ! :* (( -') == []
    assert found("fingerprint ) (") == ["x"]


def test_snippets_highlight_matches_and_escape_markup():
    document = DocumentFactory(
        title="T", summary='Officers scan <script>alert("x")</script> fingerprints & "prints" <b onclick=x>here'
    )
    snippet = search.snippets([document], "fingerprints")[document.pk]
    assert "<mark>fingerprints</mark>" in snippet
    assert "<script" not in snippet and "<b" not in snippet
    assert "&amp;" in snippet and "&quot;prints&quot;" in snippet


def test_snippet_without_a_search_is_the_plain_summary_start():
    document = DocumentFactory(summary="Plain **bold** words <b>tag</b>")
    snippet = search.snippets([document], "")[document.pk]
    assert "<b>" not in snippet and "**" not in snippet
    assert "Plain bold words" in snippet


def test_renaming_a_publisher_then_reindexing_finds_the_new_name():
    from campaign.articles import services

    publisher = PublisherFactory(name="Old Name")
    DocumentFactory(slug="doc", title="T", summary="S", publisher=publisher)
    publisher.name = "Zebrafish Gazette"
    publisher.save()
    assert found("zebrafish") == []
    services.document_reindex(document_ids=list(publisher.documents.values_list("pk", flat=True)))
    assert found("zebrafish") == ["doc"]


def assert_did_you_mean_offers_a_close_name(use_trigram):
    EntityFactory(name="Metropolitan Police Service", slug="met")
    PublisherFactory(name="Liberty", slug="liberty")
    assert "Liberty" in search.did_you_mean("Libety", use_trigram=use_trigram)
    assert "Metropolitan Police Service" in search.did_you_mean("metropolitn police", use_trigram=use_trigram)
    assert search.did_you_mean("zzzzqqq", use_trigram=use_trigram) == []


def test_did_you_mean_offers_a_close_name_without_pg_trgm():
    assert_did_you_mean_offers_a_close_name(use_trigram=False)


@pytest.mark.integration  # CI runs integration tests again on a PostgreSQL with contrib
def test_did_you_mean_offers_a_close_name_with_pg_trgm():
    if not search.trigram_available():
        pytest.skip("pg_trgm is not installed on this server (the embedded one has no contrib)")
    assert_did_you_mean_offers_a_close_name(use_trigram=True)


def test_did_you_mean_ignores_search_operators():
    PublisherFactory(name="Liberty", slug="liberty")
    assert "Liberty" in search.did_you_mean('"libety" -foo', use_trigram=False)


def test_related_items_rank_shared_deployments_above_shared_topics():
    topic = TopicFactory()
    deployment = DeploymentFactory()
    this = DocumentFactory(title="Alpha", summary="x", topics=[topic])
    same_deployment = DocumentFactory(slug="same-deployment", title="Beta", summary="y")
    same_topic = DocumentFactory(slug="same-topic", title="Gamma", summary="z", topics=[topic])
    DocumentFactory(slug="unrelated", title="Delta", summary="w")
    link(this, deployment)
    link(same_deployment, deployment)
    related = [document.slug for document in selectors.related_documents(this)]
    assert related == ["same-deployment", "same-topic"]
    assert same_topic.pk != this.pk


def test_related_items_include_text_similarity():
    this = DocumentFactory(title="Smartwatch monitoring of migrants", summary="x")
    DocumentFactory(slug="similar", title="More on smartwatch tagging", summary="y")
    DocumentFactory(slug="unrelated", title="Delta", summary="w")
    assert [document.slug for document in selectors.related_documents(this)] == ["similar"]
