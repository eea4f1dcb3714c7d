"""The library's version: what cached counts and downloads are keyed on."""

from __future__ import annotations

import hashlib
import uuid
from urllib.parse import urlencode

from django.core.cache import cache

from campaign.articles.forms import LibraryQuery

VERSION_KEY = "articles:version"


def library_version() -> str:
    """Changes whenever a document is indexed or changes status, so cached counts are
    never older than the data they count."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = library_version_bump()
    return version


def library_version_bump() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    return version


def cache_key(kind: str, query: LibraryQuery) -> str:
    digest = hashlib.sha256(urlencode(query.replace(sort="", page=1).params()).encode()).hexdigest()[:32]
    return f"articles:{kind}:{library_version()}:{digest}"
