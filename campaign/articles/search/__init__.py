"""The library's search: which documents match (filtering), in what order (ranking), how
many per facet (facets), with what excerpt (snippets), and what the reader may have
meant (suggestions). Plain reads of one document, letter or entity stay in selectors.
Constants such as RANK_WINDOW and FACET_LIMIT are read from their own module."""

from campaign.articles.search.facets import (
    Facet,
    FacetCounts,
    FacetOption,
    library_facet_counts,
    library_facets,
    primary_count,
    result_count,
)
from campaign.articles.search.filtering import filtered_documents, search_condition
from campaign.articles.search.ranking import library_results, ranks_window
from campaign.articles.search.snippets import snippets
from campaign.articles.search.suggestions import (
    did_you_mean,
    did_you_mean_candidates,
    trigram_available,
)
from campaign.articles.search.version import library_version, library_version_bump

__all__ = [
    "Facet",
    "FacetCounts",
    "FacetOption",
    "did_you_mean",
    "did_you_mean_candidates",
    "filtered_documents",
    "library_facet_counts",
    "library_facets",
    "library_results",
    "library_version",
    "library_version_bump",
    "primary_count",
    "ranks_window",
    "result_count",
    "search_condition",
    "snippets",
    "trigram_available",
]
