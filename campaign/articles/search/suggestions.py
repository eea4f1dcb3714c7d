"""Suggestions ("did you mean"): names in the library spelled like a search that found little."""

from __future__ import annotations

import difflib
import re

from django.db import connection

_trigram_cache: dict[str, bool] = {}
NAME_SQL = """
    SELECT name FROM articles_publisher UNION SELECT name FROM articles_entity
    UNION SELECT name FROM articles_deployment UNION SELECT name FROM articles_topic
    UNION SELECT name FROM articles_technology
"""
OPERATORS = re.compile(r'(?<!\w)-\S+|["()]|\bOR\b')


def trigram_available() -> bool:
    """Whether pg_trgm is installed in this database (system PostgreSQL: yes; the
    embedded server has no contrib extensions)."""
    key = connection.settings_dict["NAME"]
    if key not in _trigram_cache:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram_cache[key] = cursor.fetchone() is not None
    return _trigram_cache[key]


def _plain_terms(q: str) -> str:
    return " ".join(OPERATORS.sub(" ", q).split())


# "Did you mean" runs for any search with few results. A name is rarely longer than
# this, and a longer search is no misspelt name; difflib compares at most this many
# names (a name list grows with the library: 20,000 took seconds).
DID_YOU_MEAN_MAX_CHARS = 60
DID_YOU_MEAN_CANDIDATES = 2000


def did_you_mean(q: str, *, limit: int = 3, use_trigram: bool | None = None) -> list[str]:
    """Names of publishers, entities, deployments, topics and technologies spelled like
    the search: pg_trgm's word similarity where the server has it, otherwise difflib
    over the names with a word that begins as the search does."""
    term = _plain_terms(q)
    if not 3 <= len(term) <= DID_YOU_MEAN_MAX_CHARS:
        return []
    if use_trigram is None:
        use_trigram = trigram_available()
    if use_trigram:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name FROM ({NAME_SQL}) AS names "  # noqa: S608 - constant SQL, term is a parameter  # nosec B608
                "WHERE word_similarity(%s, name) >= 0.5 AND lower(name) <> lower(%s) "
                "ORDER BY word_similarity(%s, name) DESC, name LIMIT %s",
                [term, term, term, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    return _closest_names(term, did_you_mean_candidates(term), limit)


def did_you_mean_candidates(term: str, *, limit: int = DID_YOU_MEAN_CANDIDATES) -> list[str]:
    """The names difflib weighs for `term`: those with a word that begins with the
    term's first letter (a misspelling rarely changes it), at most `limit`."""
    first = next((char for char in term.lower() if char.isalnum()), "")
    if not first:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name FROM ({NAME_SQL}) AS names "  # noqa: S608 - constant SQL, the letter is a parameter  # nosec B608
            "WHERE lower(name) ~ %s ORDER BY name LIMIT %s",
            [rf"\m{first}", limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _closest_names(term: str, names: list[str], limit: int) -> list[str]:
    wanted = term.lower()
    size = len(wanted.split())
    scored = []
    for name in names:
        words = name.lower().split()
        if name.lower() == wanted:
            continue
        windows = [" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))]
        best = max(difflib.SequenceMatcher(None, wanted, window).ratio() for window in windows)
        if best >= 0.75:
            scored.append((best, name))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [name for _score, name in scored[:limit]]
