""" "Did you mean" weighs a bounded set of names, and not at all for a long search."""

import pytest

from campaign.articles import search
from tests.articles.factories import EntityFactory, PublisherFactory

pytestmark = pytest.mark.django_db


def test_did_you_mean_candidates_share_a_word_beginning_with_the_search():
    EntityFactory(name="Metropolitan Police Service", slug="met")
    EntityFactory(name="Greater Manchester Police", slug="gmp")
    PublisherFactory(name="Liberty", slug="liberty")
    PublisherFactory(name="Zeitung", slug="zeitung")
    assert search.did_you_mean_candidates("metropolitn police") == [
        "Greater Manchester Police",
        "Metropolitan Police Service",
    ]


def test_did_you_mean_candidates_are_capped():
    for n in range(12):
        PublisherFactory(name=f"Monitor {n:02}", slug=f"monitor-{n}")
    assert len(search.did_you_mean_candidates("monitr", limit=5)) == 5
    assert len(search.did_you_mean_candidates("monitr")) == 12


def test_did_you_mean_skips_a_search_too_long_to_be_a_name(django_assert_num_queries):
    PublisherFactory(name="Liberty", slug="liberty")
    with django_assert_num_queries(0):
        assert search.did_you_mean("libety " * 2000, use_trigram=False) == []
        assert search.did_you_mean("x" * (search.suggestions.DID_YOU_MEAN_MAX_CHARS + 1), use_trigram=True) == []


def test_did_you_mean_still_finds_a_name_among_the_candidates():
    PublisherFactory(name="Liberty", slug="liberty")
    assert search.did_you_mean("Libety", use_trigram=False) == ["Liberty"]
    assert search.did_you_mean("?!", use_trigram=False) == []
