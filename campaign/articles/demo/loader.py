"""Loads the demo evidence library. Idempotent: keyed on slugs, a second run changes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from campaign.articles import services
from campaign.articles.demo import evidence
from campaign.articles.models import (
    Country,
    DemandCitation,
    Deployment,
    DeploymentEvent,
    Document,
    DocumentDeployment,
    Entity,
    KeyFigure,
    Publisher,
    Technology,
    Topic,
    Win,
)


@transaction.atomic
def load_evidence(*, petition=None) -> dict[str, int]:
    """Create what is missing; leave what exists alone (editors may have changed it)."""
    countries = {code: Country.objects.get_or_create(code=code)[0] for code in evidence.COUNTRIES}
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in evidence.TOPICS
    }
    technologies = {
        slug: Technology.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in evidence.TECHNOLOGIES
    }
    publishers = {
        slug: Publisher.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "country": countries.get(country), "website": website},
        )[0]
        for slug, name, kind, country, website in evidence.PUBLISHERS
    }
    entities = {
        slug: Entity.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "country": countries.get(country)}
        )[0]
        for slug, name, kind, country in evidence.ENTITIES
    }

    documents: dict[str, Document] = {}
    created_documents = 0
    for item in evidence.DOCUMENTS:
        published_on, precision = item["date"] or (None, "day")
        document, created = Document.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "publisher": publishers[item["publisher"]],
                "published_on": published_on,
                "published_precision": precision,
                "doc_type": item["doc_type"],
                "is_primary_source": item["primary"],
                "summary": item["summary"],
            },
        )
        if created:
            created_documents += 1
            document.countries.set([countries[code] for code in item["countries"]])
            document.topics.set([topics[slug] for slug in item["topics"]])
            document.technologies.set([technologies[slug] for slug in item["technologies"]])
            document.entities.set([entities[slug] for slug in item["entities"]])
            services.document_set_status(document=document, status=Document.Status.PUBLISHED)
        documents[item["slug"]] = document

    deployments: dict[str, Deployment] = {}
    for item in evidence.DEPLOYMENTS:
        deployment, created = Deployment.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "deployer": entities[item["deployer"]],
                "affected_groups": item["affected"],
                "place": item["place"],
                "country": countries[item["country"]],
                "summary": item["summary"],
            },
        )
        if created:
            deployment.vendors.set([entities[slug] for slug in item["vendors"]])
            deployment.technologies.set([technologies[slug] for slug in item["technologies"]])
        deployments[item["slug"]] = deployment

    for document_slug, deployment_slug, relation in evidence.LINKS:
        DocumentDeployment.objects.get_or_create(
            document=documents[document_slug],
            deployment=deployments[deployment_slug],
            defaults={"relation": relation},
        )
    for deployment_slug, status, day, precision, note, document_slug in evidence.EVENTS:
        DeploymentEvent.objects.get_or_create(
            deployment=deployments[deployment_slug],
            status=status,
            date=day,
            document=documents[document_slug],
            defaults={"precision": precision, "note": note},
        )
    for position, (document_slug, value, shown, counts, as_of, deployment_slug) in enumerate(evidence.FIGURES):
        as_of_date, as_of_precision = as_of or (None, "year")
        KeyFigure.objects.get_or_create(
            document=documents[document_slug],
            counts=counts,
            defaults={
                "value": Decimal(value),
                "value_display": shown,
                "date": as_of_date,
                "precision": as_of_precision,
                "position": position,
                "deployment": deployments.get(deployment_slug),
            },
        )
    for slug, title, kind, day, precision, place, country, summary, deployment_slug, sources in evidence.WINS:
        win, created = Win.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "date": day,
                "precision": precision,
                "place": place,
                "country": countries[country],
                "summary": summary,
                "deployment": deployments.get(deployment_slug),
            },
        )
        if created:
            win.documents.set([documents[source] for source in sources])

    citations = 0
    if petition is not None:
        demands = {demand.position: demand for demand in petition.demands.all()}
        for position, slugs in evidence.CITATIONS.items():
            demand = demands.get(position)
            if demand is None:
                continue
            for order, slug in enumerate(slugs, start=1):
                _citation, made = DemandCitation.objects.get_or_create(
                    demand=demand, document=documents[slug], defaults={"position": order}
                )
                citations += made

    services.document_reindex(document_ids=[document.pk for document in documents.values()])
    return {"documents": created_documents, "citations": citations}
