from datetime import date

import pytest
from django.db import IntegrityError, transaction

from campaign.articles import services
from campaign.articles.models import DeploymentStatus, Document, KeyFigure, Win, format_partial_date
from tests.articles.factories import CountryFactory, DeploymentFactory, DocumentFactory, PublisherFactory, event

pytestmark = pytest.mark.django_db


def test_normalise_url_folds_spellings_of_one_link():
    a = services.normalise_url("HTTPS://Example.ORG:443/report/?utm_source=x&id=7#section")
    b = services.normalise_url("https://example.org/report?id=7")
    assert a == b == "https://example.org/report?id=7"


def test_normalise_url_keeps_a_non_default_port_and_the_root_path():
    assert services.normalise_url("http://Example.org:8080") == "http://example.org:8080/"


def test_document_number_comes_from_a_sequence_and_is_never_reused():
    first = DocumentFactory()
    number = first.number
    first.delete()
    second = DocumentFactory()
    assert second.number > number


def test_document_url_is_unique_when_given():
    DocumentFactory(url="https://example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(url="https://example.org/a")


def test_documents_without_a_link_may_coexist():
    DocumentFactory(url="")
    DocumentFactory(url="")
    assert Document.objects.filter(url="").count() == 2


def test_month_precise_date_must_be_the_first_of_the_month():
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(published_on=date(2021, 6, 7), published_precision="month")


def test_year_precise_date_must_be_the_first_of_january():
    DocumentFactory(published_on=date(2020, 1, 1), published_precision="year")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(published_on=date(2020, 6, 1), published_precision="year")


def dated_records(day: date, precision: str) -> list:
    """An event, a figure and a win dated `day`, known to the `precision`."""
    document = DocumentFactory()
    return [
        lambda: event(DeploymentFactory(), "trial", day, document, precision=precision),
        lambda: KeyFigure.objects.create(
            value=22, value_display="22", counts="cameras", date=day, precision=precision, document=document
        ),
        lambda: Win.objects.create(
            title="Ban", slug="ban", kind=Win.Kind.BAN, date=day, precision=precision, country=CountryFactory()
        ),
    ]


def test_partial_date_model_refuses_a_date_more_precise_than_its_precision():
    for create in dated_records(date(2021, 6, 7), "month"):
        with pytest.raises(IntegrityError), transaction.atomic():
            create()


def test_partial_date_model_shows_its_date_as_precisely_as_known():
    assert [create().date_display for create in dated_records(date(2021, 6, 1), "month")] == ["June 2021"] * 3


def test_key_figure_date_may_be_unknown_and_defaults_to_the_year():
    figure = KeyFigure.objects.create(value=1, value_display="1", counts="x", document=DocumentFactory())
    assert (figure.date, figure.precision, figure.date_display) == (None, "year", "n.d.")


def test_published_document_must_have_a_time_added():
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(status=Document.Status.PUBLISHED, published_at=None)


def test_partial_dates_are_shown_no_more_precisely_than_known():
    assert format_partial_date(date(2021, 6, 7), "day") == "7 June 2021"
    assert format_partial_date(date(2021, 6, 1), "month") == "June 2021"
    assert format_partial_date(date(2021, 1, 1), "year") == "2021"
    assert format_partial_date(None, "day") == "n.d."


def test_publishing_sets_the_time_added_once_and_keeps_it_across_withdrawal():
    document = DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    assert services.document_set_status(document=document, status=Document.Status.PUBLISHED)
    added = document.published_at
    assert added is not None
    assert services.document_set_status(document=document, status=Document.Status.WITHDRAWN)
    assert services.document_set_status(document=document, status=Document.Status.PUBLISHED)
    assert document.published_at == added


def test_publishing_twice_changes_nothing_the_second_time():
    document = DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    assert services.document_set_status(document=document, status=Document.Status.PUBLISHED)
    assert not services.document_set_status(document=document, status=Document.Status.PUBLISHED)


def test_set_status_refuses_an_unknown_status():
    document = DocumentFactory(status=Document.Status.DRAFT, published_at=None)
    with pytest.raises(services.StatusChangeRefused):
        services.document_set_status(document=document, status="deleted")


def test_deployment_status_is_the_latest_dated_event():
    deployment = DeploymentFactory()
    source = DocumentFactory()
    event(deployment, DeploymentStatus.TRIAL, date(2019, 1, 1), source)
    event(deployment, DeploymentStatus.BANNED, date(2021, 3, 4), source)
    event(deployment, DeploymentStatus.LIVE, date(2020, 5, 6), source)
    annotated = type(deployment).objects.with_status().get(pk=deployment.pk)
    assert annotated.current_status == DeploymentStatus.BANNED


def test_author_list_splits_on_semicolons():
    document = DocumentFactory(authors=" Ada Lovelace ;  Alan Turing;;", publisher=PublisherFactory())
    assert document.author_list == ["Ada Lovelace", "Alan Turing"]
