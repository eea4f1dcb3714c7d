"""Loads the demo evidence library from evidence.json (its "about" says where the facts
come from). Idempotent: keyed on slugs, a second run changes nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from campaign.articles import services
from campaign.articles.models import (
    Country,
    DatePrecision,
    DemandCitation,
    Deployment,
    DeploymentEvent,
    DeploymentStatus,
    Document,
    DocumentDeployment,
    DocumentSummary,
    Entity,
    KeyFigure,
    Publisher,
    Technology,
    Topic,
    Win,
)

EVIDENCE_FILE = Path(__file__).with_name("evidence.json")
SITE_LANGUAGES = {code for code, _name in settings.LANGUAGES}

# Each table's fields, all required (null where the sources give nothing). A document may
# also carry "summaries": our summary in other site languages, by language code.
FIELDS = {
    "topics": {"slug", "name"},
    "technologies": {"slug", "name"},
    "publishers": {"slug", "name", "kind", "country", "website"},
    "entities": {"slug", "name", "kind", "country"},
    "documents": {
        "slug",
        "title",
        "publisher",
        "date",
        "precision",
        "doc_type",
        "primary",
        "countries",
        "topics",
        "technologies",
        "entities",
        "summary",
    },
    "deployments": {"slug", "name", "deployer", "vendors", "technologies", "affected", "place", "country", "summary"},
    "links": {"document", "deployment", "relation"},
    "events": {"deployment", "status", "date", "precision", "note", "document"},
    "figures": {"document", "value", "value_display", "counts", "date", "precision", "deployment"},
    "wins": {"slug", "title", "kind", "date", "precision", "place", "country", "summary", "deployment", "documents"},
    "citations": {"demand", "documents"},
}


def read_evidence(path: Path = EVIDENCE_FILE) -> dict:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def evidence_problems(data: dict) -> list[str]:
    """What would stop the data loading as written: a missing field, a reference to a
    slug or country the file does not define, an unknown choice or an unreadable date."""
    problems = [f"{table}: missing" for table in ("countries", *FIELDS) if table not in data]
    if problems:
        return problems
    for table, fields in FIELDS.items():
        for n, record in enumerate(data[table]):
            if missing := fields - set(record):
                problems.append(f"{table}[{n}]: missing {', '.join(sorted(missing))}")
    if problems:
        return problems

    slugs = {table: {record["slug"] for record in data[table]} for table in FIELDS if "slug" in FIELDS[table]}
    slugs["countries"] = set(data["countries"])
    choices = {
        "publishers.kind": Publisher.Kind.values,
        "entities.kind": Entity.Kind.values,
        "documents.doc_type": Document.Type.values,
        "links.relation": DocumentDeployment.Relation.values,
        "events.status": DeploymentStatus.values,
        "wins.kind": Win.Kind.values,
    }

    def check(where: str, table: str, values, *, optional: bool = False) -> None:
        for value in values if isinstance(values, list) else [values]:
            if optional and value in (None, ""):
                continue
            if value not in slugs[table]:
                problems.append(f"{where}: no {table} {value!r}")

    for table, fields in FIELDS.items():
        for n, record in enumerate(data[table]):
            where = f"{table}[{n}]"
            for field_name in fields:
                if (allowed := choices.get(f"{table}.{field_name}")) and record[field_name] not in allowed:
                    problems.append(f"{where}: unknown {field_name} {record[field_name]!r}")
            if "precision" in fields:
                if record["precision"] not in DatePrecision.values:
                    problems.append(f"{where}: unknown precision {record['precision']!r}")
                try:
                    _date(record["date"])
                except (TypeError, ValueError):
                    problems.append(f"{where}: unreadable date {record['date']!r}")
            if table in ("publishers", "entities"):
                check(where, "countries", record["country"], optional=True)
    for n, record in enumerate(data["documents"]):
        where = f"documents[{n}]"
        check(where, "publishers", record["publisher"])
        for table in ("countries", "topics", "technologies", "entities"):
            check(where, table, record[table])
        for language in record.get("summaries", {}):
            if language not in SITE_LANGUAGES:
                problems.append(f"{where}: summary in {language!r}, not one of the site's languages")
    for n, record in enumerate(data["deployments"]):
        where = f"deployments[{n}]"
        check(where, "entities", [record["deployer"], *record["vendors"]])
        check(where, "technologies", record["technologies"])
        check(where, "countries", record["country"])
    for table in ("links", "events"):
        for n, record in enumerate(data[table]):
            check(f"{table}[{n}]", "documents", record["document"])
            check(f"{table}[{n}]", "deployments", record["deployment"])
    for n, record in enumerate(data["figures"]):
        check(f"figures[{n}]", "documents", record["document"])
        check(f"figures[{n}]", "deployments", record["deployment"], optional=True)
    for n, record in enumerate(data["wins"]):
        check(f"wins[{n}]", "countries", record["country"])
        check(f"wins[{n}]", "deployments", record["deployment"], optional=True)
        check(f"wins[{n}]", "documents", record["documents"])
    for n, record in enumerate(data["citations"]):
        check(f"citations[{n}]", "documents", record["documents"])
    return problems


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


@transaction.atomic
def load_evidence(*, petition=None) -> dict[str, int]:
    """Create what is missing; leave what exists alone (editors may have changed it)."""
    evidence = read_evidence()
    if problems := evidence_problems(evidence):
        raise ValueError(f"{EVIDENCE_FILE.name}: " + "; ".join(problems))

    countries = {code: Country.objects.get_or_create(code=code)[0] for code in evidence["countries"]}
    topics = {
        item["slug"]: Topic.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})[0]
        for item in evidence["topics"]
    }
    technologies = {
        item["slug"]: Technology.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})[0]
        for item in evidence["technologies"]
    }
    publishers = {
        item["slug"]: Publisher.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "country": countries.get(item["country"]),
                "website": item["website"],
            },
        )[0]
        for item in evidence["publishers"]
    }
    entities = {
        item["slug"]: Entity.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "kind": item["kind"], "country": countries.get(item["country"])},
        )[0]
        for item in evidence["entities"]
    }

    documents: dict[str, Document] = {}
    created_documents = 0
    for item in evidence["documents"]:
        document, created = Document.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "publisher": publishers[item["publisher"]],
                "published_on": _date(item["date"]),
                "published_precision": item["precision"],
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
        for language, text in item.get("summaries", {}).items():
            DocumentSummary.objects.get_or_create(document=document, language=language, defaults={"text": text})

    deployments: dict[str, Deployment] = {}
    for item in evidence["deployments"]:
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

    for item in evidence["links"]:
        DocumentDeployment.objects.get_or_create(
            document=documents[item["document"]],
            deployment=deployments[item["deployment"]],
            defaults={"relation": item["relation"]},
        )
    for item in evidence["events"]:
        DeploymentEvent.objects.get_or_create(
            deployment=deployments[item["deployment"]],
            status=item["status"],
            date=_date(item["date"]),
            document=documents[item["document"]],
            defaults={"precision": item["precision"], "note": item["note"]},
        )
    for position, item in enumerate(evidence["figures"]):
        KeyFigure.objects.get_or_create(
            document=documents[item["document"]],
            counts=item["counts"],
            defaults={
                "value": Decimal(item["value"]),
                "value_display": item["value_display"],
                "date": _date(item["date"]),
                "precision": item["precision"],
                "position": position,
                "deployment": deployments.get(item["deployment"]),
            },
        )
    for item in evidence["wins"]:
        win, created = Win.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "kind": item["kind"],
                "date": _date(item["date"]),
                "precision": item["precision"],
                "place": item["place"],
                "country": countries[item["country"]],
                "summary": item["summary"],
                "deployment": deployments.get(item["deployment"]),
            },
        )
        if created:
            win.documents.set([documents[source] for source in item["documents"]])

    citations = 0
    if petition is not None:
        demands = {demand.position: demand for demand in petition.demands.all()}
        for item in evidence["citations"]:
            demand = demands.get(item["demand"])
            if demand is None:
                continue
            for order, slug in enumerate(item["documents"], start=1):
                _citation, made = DemandCitation.objects.get_or_create(
                    demand=demand, document=documents[slug], defaults={"position": order}
                )
                citations += made

    services.document_reindex(document_ids=[document.pk for document in documents.values()])
    return {"documents": created_documents, "citations": citations}
