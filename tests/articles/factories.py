"""Library factories with hostile defaults, like tests/factories.py."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from campaign.articles import services
from campaign.articles.models import (
    Country,
    Deployment,
    DeploymentEvent,
    Document,
    DocumentDeployment,
    Entity,
    Publisher,
    Technology,
    Topic,
)
from tests.factories import HOSTILE


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic <i>{n}</i> & co")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class TechnologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technology
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tech <b>{n}</b>")
    slug = factory.Sequence(lambda n: f"tech-{n}")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = "GB"


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f'The "Daily" <script>x</script> & Co {n}')
    slug = factory.Sequence(lambda n: f"publisher-{n}")


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Agency <em>{n}</em> & Partners")
    slug = factory.Sequence(lambda n: f"entity-{n}")
    kind = Entity.Kind.GOVERNMENT


class DocumentFactory(factory.django.DjangoModelFactory):
    """A published, indexed document. Pass topics=[...], countries=[...] etc. as lists."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f'Report <script>alert("t")</script> & "quotes" no. {n}')
    slug = factory.Sequence(lambda n: f"document-{n}")
    publisher = factory.SubFactory(PublisherFactory)
    published_on = date(2021, 6, 7)
    published_precision = "day"
    doc_type = Document.Type.NEWS
    summary = f"A summary with **bold** text. {HOSTILE} <img src=x onerror=alert(1)>"
    status = Document.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def technologies(self, create, extracted, **kwargs):
        if create and extracted:
            self.technologies.set(extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)

    @factory.post_generation
    def reindex(self, create, extracted, **kwargs):
        if create:
            services.document_reindex(document_ids=[self.pk])


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment

    name = factory.Sequence(lambda n: f"Face <b>scanner</b> pilot & co {n}")
    slug = factory.Sequence(lambda n: f"deployment-{n}")
    summary = f"Deployment summary {HOSTILE}"
    deployer = factory.SubFactory(EntityFactory)
    place = "Cardiff & <b>Swansea</b>"
    country = factory.SubFactory(CountryFactory)


def link(document: Document, deployment: Deployment, relation: str = "reports") -> DocumentDeployment:
    return DocumentDeployment.objects.create(document=document, deployment=deployment, relation=relation)


def event(deployment: Deployment, status: str, day: date, document: Document, precision: str = "day"):
    return DeploymentEvent.objects.create(
        deployment=deployment, status=status, date=day, precision=precision, document=document, note=f"note {HOSTILE}"
    )
