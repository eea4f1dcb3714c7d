from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from campaign.articles import services
from campaign.articles.models import Document

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
FACET_PARAMETERS = ("topic", "technology", "country", "type", "publisher", "year")
MAX_VALUES_PER_FACET = 20


class Sort:
    RELEVANCE = "relevance"
    PUBLISHED = "published"
    ADDED = "added"
    CHOICES = [
        (RELEVANCE, _("relevance")),
        (PUBLISHED, _("date published")),
        (ADDED, _("date added")),
    ]


@dataclass(frozen=True)
class LibraryQuery:
    """What a reader asked the library for; the same in the page, the feeds, the exports
    and the API, because it is always read from the query string."""

    q: str = ""
    topic: tuple[str, ...] = ()
    technology: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    publisher: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    primary: bool = False
    sort: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list, compare=False)

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return Sort.RELEVANCE if self.q else Sort.PUBLISHED

    def params(self, *, page: bool = False) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FACET_PARAMETERS:
            pairs.extend((name, str(value)) for value in getattr(self, name))
        if self.primary:
            pairs.append(("primary", "1"))
        if self.sort:
            pairs.append(("sort", self.sort))
        if page and self.page > 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def querystring(self, **changes) -> str:
        from urllib.parse import urlencode

        return urlencode(self.replace(**changes).params())

    def replace(self, **changes) -> LibraryQuery:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "errors"}
        values.update(changes)
        return LibraryQuery(**values)

    def toggled(self, facet: str, value) -> LibraryQuery:
        current = getattr(self, facet)
        updated = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self.replace(**{facet: updated, "page": 1})

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.primary or any(getattr(self, name) for name in FACET_PARAMETERS))


class LibraryFilterForm(forms.Form):
    """Reads the query string. A bad value is dropped with a message; the rest still applies."""

    q = forms.CharField(label=_("Search the library"), max_length=200, required=False, strip=True)
    sort = forms.ChoiceField(label=_("Sort by"), choices=[("", _("best match")), *Sort.CHOICES], required=False)
    primary = forms.BooleanField(label=_("Primary sources only"), required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, data: QueryDict, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.data_lists = data

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise ValidationError(_("The search contains a character we cannot read."))
        return " ".join(value.split())


def parse_library_query(data: QueryDict) -> LibraryQuery:
    form = LibraryFilterForm(data)
    form.is_valid()
    errors = [f"{message}" for messages in form.errors.values() for message in messages]
    cleaned = {name: form.cleaned_data.get(name) for name in ("q", "sort", "primary", "page")}
    values: dict[str, tuple] = {}
    for name in FACET_PARAMETERS:
        raw = [value.strip() for value in data.getlist(name) if value.strip()]
        if len(raw) > MAX_VALUES_PER_FACET:
            errors.append(
                str(
                    _("Too many values for “%(name)s”; the first %(max)d were used.")
                    % {"name": name, "max": MAX_VALUES_PER_FACET}
                )
            )
            raw = raw[:MAX_VALUES_PER_FACET]
        kept: list = []
        for value in raw:
            parsed = _parse_facet_value(name, value)
            if parsed is None:
                errors.append(
                    str(
                        _("Ignored the filter %(name)s=“%(value)s”: not a valid value.")
                        % {"name": name, "value": value[:40]}
                    )
                )
            elif parsed not in kept:
                kept.append(parsed)
        values[name] = tuple(kept)
    return LibraryQuery(
        q=cleaned["q"] or "",
        sort=cleaned["sort"] or "",
        primary=bool(cleaned["primary"]),
        page=cleaned["page"] or 1,
        errors=errors,
        **values,
    )


def _parse_facet_value(name: str, value: str):
    if name == "year":
        if value.isdigit() and 1800 <= int(value) <= 2200:
            return int(value)
        return None
    if name == "type":
        return value if value in Document.Type.values else None
    if name == "country":
        return value.upper() if re.fullmatch(r"[A-Za-z]{2}", value) else None
    return value if SLUG_RE.match(value) else None


class DocumentAdminForm(forms.ModelForm):
    """Normalises the link and refuses a second copy of a document already held."""

    class Meta:
        model = Document
        fields = [
            "title",
            "slug",
            "url",
            "archive_url",
            "publisher",
            "authors",
            "published_on",
            "published_precision",
            "doc_type",
            "is_primary_source",
            "language",
            "summary",
            "quote",
            "quote_attribution",
            "countries",
            "topics",
            "technologies",
            "entities",
        ]

    def clean_url(self) -> str:
        url = services.normalise_url(self.cleaned_data.get("url", ""))
        if url:
            twin = Document.objects.filter(url=url).exclude(pk=self.instance.pk).first()
            if twin is not None:
                raise ValidationError(
                    _("This link is already in the library as #%(number)s “%(title)s”."),
                    params={"number": twin.number, "title": twin.title},
                    code="duplicate_url",
                )
        return url

    def clean_archive_url(self) -> str:
        return services.normalise_url(self.cleaned_data.get("archive_url", ""))
