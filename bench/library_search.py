"""Benchmark: search and facet latency of the evidence library at scale.

    .venv/bin/python bench/library_search.py                 # 100,000 documents
    .venv/bin/python bench/library_search.py --documents 2000 --rounds 5

It creates a database of its own beside the configured one (named "<db>_search_bench", on the
embedded server or on DATABASE_URL's), migrates it, loads generated documents with
topics, technologies, countries and publishers, builds their search vectors, and then
times what the library page does for a mix of searches and facet selections:

  - search: the ranked (or date-ordered), filtered page of 20;
  - facets: every facet's counts (each with the other facets applied), the
            primary-source count and the total of results, in one statement;
  - page:   both, plus the highlighted snippets of the page.

"cold" clears the cache first, so counts come from the tables; "warm" is the same page
again, with the counts served from the cache (they are keyed on the library's version,
which every indexing or status change renews). It prints p50/p95/max in milliseconds.
The database is dropped afterwards unless --keep is given (--keep also reuses an
existing bench database instead of loading it again).
This is a benchmark, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
# Run by hand it may use the laptop parts (the embedded server); `make bench` runs it with
# debug off and every part set.
os.environ.setdefault("DJANGO_DEBUG", "true")

WORDS = [
    "police",
    "facial",
    "recognition",
    "fingerprint",
    "scanner",
    "immigration",
    "database",
    "biometric",
    "surveillance",
    "camera",
    "contract",
    "tender",
    "home",
    "office",
    "ministry",
    "court",
    "ruling",
    "ban",
    "moratorium",
    "trial",
    "deployment",
    "watchlist",
    "match",
    "accuracy",
    "error",
    "bias",
    "migrant",
    "asylum",
    "border",
    "station",
    "street",
    "protest",
    "stadium",
    "festival",
    "airport",
    "school",
    "council",
    "parliament",
    "regulator",
    "audit",
    "complaint",
    "freedom",
    "information",
    "request",
    "vendor",
    "software",
    "platform",
    "algorithm",
    "image",
    "retention",
    "deletion",
    "consent",
    "privacy",
    "rights",
    "liberty",
    "data",
    "protection",
    "impact",
    "assessment",
    "smartwatch",
    "tag",
    "location",
    "tracking",
    "monitoring",
    "report",
    "investigation",
    "statement",
    "coalition",
    "campaign",
    "letter",
]
FILLER = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "for",
    "on",
    "with",
    "by",
    "from",
    "that",
    "this",
    "was",
    "were",
    "is",
    "are",
    "as",
    "at",
    "be",
    "has",
    "have",
    "had",
    "it",
    "its",
    "they",
    "their",
    "which",
    "who",
    "more",
    "than",
    "under",
    "over",
    "after",
    "before",
    "during",
    "between",
    "about",
    "into",
    "across",
    "new",
    "years",
]
QUERIES = [
    "facial recognition",
    '"facial recognition" police',
    "fingerprint -immigration",
    "smartwatch OR tag",
    "contract tender",
    "asylum database",
    "stadium",
    "watchlist accuracy",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20, help="timed repetitions of each scenario")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the bench database")
    parser.add_argument("--json", type=Path, help="also write the figures to this file (bench/run.py does)")
    return parser.parse_args()


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.35 else rng.choice(FILLER) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def load(count: int, rng: random.Random) -> None:
    from django.db import connection, transaction

    from campaign.articles import services
    from campaign.articles.models import Country, Document, Publisher, Technology, Topic

    topics = [Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(20)]
    technologies = [Technology.objects.create(name=f"Technology {n}", slug=f"tech-{n}") for n in range(12)]
    codes = [
        "GB",
        "US",
        "FR",
        "DE",
        "IN",
        "BR",
        "NZ",
        "IE",
        "ES",
        "IT",
        "NL",
        "PL",
        "SE",
        "KE",
        "ZA",
        "AR",
        "MX",
        "CA",
        "AU",
        "JP",
        "KR",
        "CN",
        "RU",
        "TR",
        "NG",
        "EG",
        "CO",
        "CL",
        "PT",
        "GR",
    ]
    countries = [Country.objects.create(code=code) for code in codes]
    publishers = Publisher.objects.bulk_create(
        Publisher(name=f"Publisher {n}", slug=f"publisher-{n}") for n in range(500)
    )
    types = list(Document.Type.values)
    started = time.perf_counter()
    batch = 5000
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            documents = Document.objects.bulk_create(
                Document(
                    title=sentence(rng, rng.randint(5, 12)),
                    slug=f"bench-{offset + i}",
                    publisher=publishers[int(rng.paretovariate(1.2)) % len(publishers)],
                    published_on=date(2010, 1, 1) + timedelta(days=rng.randint(0, 365 * 16)),
                    doc_type=rng.choice(types),
                    is_primary_source=rng.random() < 0.2,
                    summary=" ".join(sentence(rng, rng.randint(10, 25)) for _ in range(rng.randint(2, 5))),
                    status=Document.Status.PUBLISHED,
                    published_at=time_now(),
                )
                for i in range(size)
            )
            through = Document.topics.through
            through.objects.bulk_create(
                through(document_id=d.pk, topic_id=t.pk)
                for d in documents
                for t in rng.sample(topics, rng.randint(1, 3))
            )
            through = Document.technologies.through
            through.objects.bulk_create(
                through(document_id=d.pk, technology_id=t.pk)
                for d in documents
                for t in rng.sample(technologies, rng.randint(1, 2))
            )
            through = Document.countries.through
            through.objects.bulk_create(
                through(document_id=d.pk, country_id=c.pk)
                for d in documents
                for c in rng.sample(countries[:5] if rng.random() < 0.7 else countries, rng.randint(1, 2))
            )
        print(f"  loaded {offset + size:>7} documents ({time.perf_counter() - started:.0f} s)", flush=True)
    services.document_reindex()
    # What autovacuum does soon after a bulk load: without it, the visibility map is empty
    # and every count must visit the table, as no production server's would for long.
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.set_autocommit(autocommit)
    print(f"  indexed in {time.perf_counter() - started:.0f} s total", flush=True)


def time_now():
    from django.utils import timezone

    return timezone.now()


def scenarios() -> list[tuple[str, str]]:
    filters = [
        "",
        "topic=topic-1",
        "topic=topic-1&country=GB",
        "topic=topic-2&topic=topic-3&technology=tech-1&year=2021",
        "country=US&type=news&primary=1",
        "publisher=publisher-1&sort=added",
    ]
    cases = [(f"filters {f or '(none)'}", f) for f in filters]
    cases += [(f"search {q}", f"q={q}") for q in QUERIES]
    cases += [(f"search {QUERIES[0]} + filters", f"q={QUERIES[0]}&topic=topic-1&country=GB")]
    return cases


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(values[-1], 1),
        "samples": len(values),
    }


def measure(rounds: int) -> dict:
    from urllib.parse import parse_qsl

    from django.core.cache import cache
    from django.core.paginator import Paginator
    from django.http import QueryDict

    from campaign.articles import search, selectors
    from campaign.articles.forms import parse_library_query

    def library_page(query) -> tuple[float, float, float]:
        """What the library view does, timed in its three parts."""
        t0 = time.perf_counter()
        counts = search.library_facet_counts(query)
        t1 = time.perf_counter()
        windowed = search.ranks_window(query, counts.total)
        results = search.library_results(query, limit=selectors.PAGE_SIZE, windowed=windowed)
        paginator = Paginator(results, selectors.PAGE_SIZE)
        paginator.count = counts.total
        documents = list(paginator.get_page(1).object_list)
        t2 = time.perf_counter()
        search.snippets(documents, query.q)
        t3 = time.perf_counter()
        return (t2 - t1) * 1000, (t1 - t0) * 1000, (t3 - t0) * 1000

    timings: dict[str, list[float]] = {
        "search, cold": [],
        "facets, cold": [],
        "page, cold": [],
        "page, warm": [],
    }
    by_scenario: dict[str, dict] = {}
    for _name, querystring in scenarios():
        data = QueryDict(mutable=True)
        for key, value in parse_qsl(querystring):
            data.appendlist(key, value)
        query = parse_library_query(data)
        library_page(query)  # warm-up: query plans, connection
        mine: dict[str, list[float]] = {"search": [], "facets": []}
        for _round in range(rounds):
            cache.clear()  # cold: counts computed from the tables
            results, facets, page = library_page(query)
            timings["search, cold"].append(results)
            timings["facets, cold"].append(facets)
            timings["page, cold"].append(page)
            timings["page, warm"].append(library_page(query)[2])  # counts from the cache
            mine["search"].append(results)
            mine["facets"].append(facets)
        by_scenario[querystring or "(everything)"] = {
            f"{part}_p50_ms": round(statistics.median(values), 1) for part, values in mine.items()
        }
    print(f"\n{'cold, per scenario':<72}{'search p50':>11}{'facets p50':>11}")
    for querystring, figures in by_scenario.items():
        print(f"  {querystring:<70}{figures['search_p50_ms']:>11.1f}{figures['facets_p50_ms']:>11.1f}")
    summary = {name: percentiles(values) for name, values in timings.items()}
    print(f"\n{'measure':<14}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}   ({len(timings['page, cold'])} samples each)")
    for name, figures in summary.items():
        print(f"{name:<14}{figures['p50_ms']:>10.1f}{figures['p95_ms']:>10.1f}{figures['max_ms']:>10.1f}")
    return {"measures": summary, "scenarios": by_scenario}


def main() -> None:
    args = parse_args()
    import django
    from django.conf import settings

    settings_db = settings.DATABASES["default"]
    settings_db["TEST"] = {"NAME": f"{settings_db['NAME']}_search_bench"}
    django.setup()
    from django.db import connection

    from campaign.articles.models import Document

    original_name = settings_db["NAME"]
    print(f"Bench database {settings_db['TEST']['NAME']} ({args.documents} documents)", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False)
    try:
        if Document.objects.exists():
            print(f"  reusing {Document.objects.count()} documents (--keep)", flush=True)
        else:
            load(args.documents, random.Random(args.seed))  # noqa: S311 - reproducible test data
        before = os.getloadavg()[0]
        figures = measure(args.rounds)
        # Other work on the machine moves these figures: say how busy it was.
        busy = {"before": round(before, 2), "after": round(os.getloadavg()[0], 2)}
        print(f"load average (1 min) {busy['before']} before, {busy['after']} after")
        if args.json:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = cursor.fetchone()[0]
            documents = Document.objects.published().count()
            about = {"documents": documents, "rounds": args.rounds, "postgresql": server, "load_average": busy}
            args.json.write_text(json.dumps({**about, **figures}, indent=2))
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
