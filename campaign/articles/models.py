"""The evidence library: documents, who published them, what they document, and
the figures and wins they back up."""

from __future__ import annotations

from django.conf import global_settings, settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaign.core.models import TimeStampedModel

LANGUAGE_NAMES = dict(global_settings.LANGUAGES)
NUMBER_SEQUENCE = "articles_document_number_seq"


# PostgreSQL's text search configuration for each of the site's languages, by the part of
# the code before any dash (pt-br is Portuguese); any other language is searched word for
# word ('simple'), with no stemming and no stop words.
SEARCH_CONFIGS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "pt": "portuguese"}
FALLBACK_SEARCH_CONFIG = "simple"


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language.lower().split("-")[0], FALLBACK_SEARCH_CONFIG)


def search_config_languages() -> dict[str, list[str]]:
    """Every language code a document may carry, grouped by the configuration it is
    searched with ('simple' is every other code)."""
    grouped: dict[str, list[str]] = {config: [] for config in SEARCH_CONFIGS.values()}
    for code in LANGUAGE_NAMES:
        config = search_config(code)
        if config != FALLBACK_SEARCH_CONFIG:
            grouped[config].append(code)
    return grouped


def validate_language(code: str) -> None:
    if code not in LANGUAGE_NAMES:
        raise ValidationError(_("Unknown language code: %(code)s"), params={"code": code}, code="language")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def format_partial_date(value, precision: str) -> str:
    """A date shown no more precisely than it is known: 7 June 2021, June 2021, 2021."""
    if value is None:
        return str(_("n.d."))
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value, "j F Y")


def partial_date_constraint(date_field: str, precision_field: str, name: str) -> models.CheckConstraint:
    """A month-precise date is stored as the 1st; a year-precise one as 1 January."""
    return models.CheckConstraint(
        condition=Q(**{f"{date_field}__isnull": True})
        | Q(**{precision_field: DatePrecision.DAY})
        | Q(**{precision_field: DatePrecision.MONTH, f"{date_field}__day": 1})
        | Q(**{precision_field: DatePrecision.YEAR, f"{date_field}__day": 1, f"{date_field}__month": 1}),
        name=name,
    )


class PartialDateModel(models.Model):
    """A date known to the day, the month or the year, shown no more precisely than that.
    A subclass may redeclare either field (a figure's date may be unknown)."""

    date = models.DateField(_("date"))
    precision = models.CharField(_("date known to the"), max_length=8, choices=DatePrecision.choices)

    class Meta:
        abstract = True
        constraints = [partial_date_constraint("date", "precision", "%(class)s_date_matches_precision")]

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.precision)


# --- Controlled lists ------------------------------------------------------------------


class ControlledTerm(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(ControlledTerm):
    class Meta(ControlledTerm.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Technology(ControlledTerm):
    class Meta(ControlledTerm.Meta):
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")


class Country(models.Model):
    """A country the library covers, keyed by the same ISO 3166 codes as signatures."""

    code = CountryField(_("country"), unique=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.code.name)

    @property
    def name(self) -> str:
        return str(self.code.name)


# --- Who publishes and who is named -----------------------------------------------------


class Publisher(TimeStampedModel):
    class Kind(models.TextChoices):
        OUTLET = "outlet", _("news outlet")
        NGO = "ngo", _("civil-society organisation")
        GOVERNMENT = "government", _("government body")
        COMPANY = "company", _("company")
        ACADEMIC = "academic", _("academic or research body")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OUTLET)
    website = models.URLField(_("website"), blank=True)
    country = models.ForeignKey(Country, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("country"))

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:publisher", kwargs={"slug": self.slug})


class Entity(TimeStampedModel):
    """A body that documents name: a department, a police force, a company, a regulator."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government department")
        POLICE = "police", _("police force")
        COMPANY = "company", _("company")
        REGULATOR = "regulator", _("regulator")
        LEGISLATURE = "legislature", _("legislature or council")
        COURT = "court", _("court")
        NGO = "ngo", _("civil-society organisation")
        ACADEMIC = "academic", _("academic or research body")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    country = models.ForeignKey(Country, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("country"))
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:entity", kwargs={"slug": self.slug})


# --- Documents ------------------------------------------------------------------------


class DocumentQuerySet(models.QuerySet):
    def published(self) -> DocumentQuerySet:
        return self.filter(status=Document.Status.PUBLISHED)

    def with_summaries(self) -> DocumentQuerySet:
        return self.prefetch_related("summaries")


class Document(TimeStampedModel):
    """A source document: our own summary of it, and a link to the original."""

    class Type(models.TextChoices):
        NEWS = "news", _("news report")
        INVESTIGATION = "investigation", _("investigation")
        FOI = "foi", _("FOI response")
        GOVERNMENT = "government", _("government document")
        CONTRACT = "contract", _("contract")
        JUDGMENT = "judgment", _("court judgment")
        PARLIAMENT = "parliament", _("parliamentary record")
        NGO = "ngo", _("NGO report")
        ACADEMIC = "academic", _("academic paper")
        PRESS = "press", _("press release")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # Drawn from a sequence, so a number is never handed out twice, even after a delete.
    number = models.BigIntegerField(
        _("public number"),
        unique=True,
        editable=False,
        db_default=Func(Value(NUMBER_SEQUENCE), function="nextval", output_field=models.BigIntegerField()),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    url = models.URLField(
        _("link to the original"), max_length=1000, blank=True, help_text=_("Normalised on save; must be unique.")
    )
    archive_url = models.URLField(_("archived copy"), max_length=1000, blank=True)
    publisher = models.ForeignKey(
        Publisher, on_delete=models.PROTECT, related_name="documents", verbose_name=_("publisher")
    )
    authors = models.CharField(_("authors"), max_length=300, blank=True, help_text=_("Separate names with ';'."))
    # Not a PartialDateModel: the library sorts and filters on this date by this name, in
    # the search entries, the facet bitmaps' SQL, the API and the CSV.
    published_on = models.DateField(_("published"), null=True, blank=True, help_text=_("Leave empty if undated."))
    published_precision = models.CharField(
        _("date known to the"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    doc_type = models.CharField(_("document type"), max_length=16, choices=Type.choices)
    is_primary_source = models.BooleanField(_("primary source"), default=False)
    language = models.CharField(_("language"), max_length=8, default="en", validators=[validate_language])
    summary = models.TextField(_("our summary"), help_text=_("Markdown, in our own words. Raw HTML is removed."))
    quote = models.CharField(_("short quote"), max_length=400, blank=True)
    quote_attribution = models.CharField(_("quote attributed to"), max_length=200, blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="documents", verbose_name=_("countries"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="documents", verbose_name=_("topics"))
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="documents", verbose_name=_("technologies")
    )
    entities = models.ManyToManyField(Entity, blank=True, related_name="documents", verbose_name=_("entities named"))
    deployments = models.ManyToManyField(
        "Deployment", through="DocumentDeployment", blank=True, related_name="documents"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("added to the library"), null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Copies of the many-to-many ids, rebuilt with the search vector: facets count and
    # filter on one table instead of joining three (see services.document_reindex).
    topic_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    technology_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    country_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-published_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="document_url_unique"),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False) | ~Q(status="published"),
                name="document_published_has_time",
            ),
            partial_date_constraint("published_on", "published_precision", "document_date_matches_precision"),
        ]
        # The library only lists published documents, so its indexes are partial; the sort
        # indexes match its ORDER BY exactly, NULLS LAST included, or they go unused. The
        # search index is on SearchEntry, a narrow copy of these rows.
        indexes = [
            GinIndex(fields=["topic_ids"], name="document_topics_idx", condition=Q(status="published")),
            GinIndex(fields=["technology_ids"], name="document_technologies_idx", condition=Q(status="published")),
            GinIndex(fields=["country_ids"], name="document_countries_idx", condition=Q(status="published")),
            models.Index(
                F("published_on").desc(nulls_last=True),
                F("number").desc(),
                name="document_list_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                F("published_at").desc(nulls_last=True),
                F("number").desc(),
                name="document_added_idx",
                condition=Q(status="published"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:document", kwargs={"number": self.number})

    @property
    def search_config(self) -> str:
        return search_config(self.language)

    def summary_in(self, language: str | None) -> tuple[str, str]:
        """(text, its language): the summary in this language when editors wrote one,
        else our own summary. Reads the prefetched summaries (see with_summaries)."""
        code = (language or "").lower()
        for translated in self.summaries.all():
            if translated.language == code:
                return translated.text, translated.language
        return self.summary, self.language

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published_on, self.published_precision)

    @property
    def language_name(self) -> str:
        return str(LANGUAGE_NAMES.get(self.language, self.language))

    @property
    def author_list(self) -> list[str]:
        return [name.strip() for name in self.authors.split(";") if name.strip()]


class DocumentSummary(models.Model):
    """Our summary of a document in one of the site's languages, shown to readers of that
    language instead of the document's own summary."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="summaries")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("summary"), help_text=_("Markdown, in our own words. Raw HTML is removed."))

    class Meta:
        verbose_name = _("summary in another language")
        verbose_name_plural = _("summaries in other languages")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["document", "language"], name="document_summary_unique"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="document_summary_site_language",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="document_summary_not_empty"),
        ]

    def __str__(self) -> str:
        return f"#{self.document.number} ({self.language})"


class DocumentFormerSlug(models.Model):
    """A slug a document had before an editor changed it: its old address
    /evidence/items/<slug>/ still leads to it. Written by a trigger on the documents
    table whatever path the change takes (migration 0005); nothing in Python writes it."""

    slug = models.SlugField(max_length=100, unique=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="former_slugs")

    def __str__(self) -> str:
        return self.slug


class SearchEntry(models.Model):
    """The library's search index: for each published document, what a search reads for
    every match (the vector, the facet columns it may be filtered on) and sorts by, and
    nothing else. A broad search matches half the library; these rows are a third of the
    size of the documents' own (summaries and all: 61 MB against 168 MB at 100,000
    documents), fit in PostgreSQL's buffers, and take about half the time to rank. A copy
    of the documents' columns, kept in step by triggers (see migration 0003); nothing in
    Python writes it. A migration that changes a copied column must change the trigger."""

    document = models.OneToOneField(
        Document,
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the delete trigger removes the entry
        db_constraint=False,
        related_name="search_entry",
    )
    search_vector = SearchVectorField(null=True)
    published_on = models.DateField(null=True)
    published_at = models.DateTimeField(null=True)
    number = models.BigIntegerField()
    topic_ids = ArrayField(models.BigIntegerField())
    technology_ids = ArrayField(models.BigIntegerField())
    country_ids = ArrayField(models.BigIntegerField())
    doc_type = models.CharField(max_length=16)
    publisher_id = models.BigIntegerField()
    is_primary_source = models.BooleanField()
    # The document's language: a search matches each entry as stemmed in its language.
    language = models.CharField(max_length=8, default="en")

    class Meta:
        # The dates are for searches sorted by date: walking one of them until a page of
        # matches is found beats sorting every match when the search is broad.
        indexes = [
            GinIndex(fields=["search_vector"], name="search_entry_vector_idx"),
            models.Index(F("published_on").desc(nulls_last=True), F("number").desc(), name="search_entry_list_idx"),
            models.Index(F("published_at").desc(nulls_last=True), F("number").desc(), name="search_entry_added_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class BitStringField(models.Field):
    """PostgreSQL's bit varying. Only the database reads these: it ANDs them and counts
    the bits set (bit_count), which is what makes facet counts cheap."""

    def db_type(self, connection) -> str:
        return "varbit"


class FacetBitmap(models.Model):
    """Which published documents carry one facet value: bit n of `bits` is set when the
    document with id n is published and has this topic (technology, country, type,
    publisher, year; "primary" for primary sources; "all" for every published document).

    Counting a facet value among the documents a reader selected is then one AND and
    one bit count over 12.5 kB at 100,000 documents, whatever the share of the library
    that matches, instead of visiting every matching row. Triggers on the documents
    table keep the bitmaps in step with every write, whichever path it takes (see
    migration 0002); nothing in Python writes them. A migration that renames or drops a
    column they read (status, the id arrays, doc_type, publisher, published_on,
    is_primary_source) must replace articles_document_facets() in the same step.
    """

    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=40)
    bits = BitStringField()
    documents = models.IntegerField()  # bits set: an upper bound for any count of this value

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="facet_bitmap_unique")]

    def __str__(self) -> str:
        return f"{self.facet}:{self.value}"


# --- Deployments ------------------------------------------------------------------------


class DeploymentStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    TRIAL = "trial", _("trial")
    LIVE = "live", _("live")
    PAUSED = "paused", _("paused")
    ENDED = "ended", _("ended")
    BANNED = "banned", _("banned")


class DeploymentQuerySet(models.QuerySet):
    def with_status(self) -> DeploymentQuerySet:
        latest = DeploymentEvent.objects.filter(deployment=models.OuterRef("pk")).order_by("-date", "-pk")
        return self.annotate(current_status=models.Subquery(latest.values("status")[:1]))

    def documented(self) -> DeploymentQuerySet:
        """Deployments that at least one published document speaks of."""
        return self.filter(
            models.Exists(
                DocumentDeployment.objects.filter(
                    deployment=models.OuterRef("pk"), document__status=Document.Status.PUBLISHED
                )
            )
        )


class Deployment(TimeStampedModel):
    """A biometric surveillance system in use somewhere: the thing the documents are about."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), help_text=_("Markdown. Raw HTML is removed."))
    deployer = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="deployments", verbose_name=_("deployed by")
    )
    vendors = models.ManyToManyField(Entity, blank=True, related_name="supplied", verbose_name=_("vendors"))
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="deployments", verbose_name=_("technologies")
    )
    affected_groups = ArrayField(
        models.CharField(max_length=120), blank=True, default=list, verbose_name=_("affected groups")
    )
    place = models.CharField(_("place"), max_length=200)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="deployments", verbose_name=_("country")
    )

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:deployment", kwargs={"slug": self.slug})


class DeploymentEvent(PartialDateModel):
    """One dated entry in a deployment's status history, backed by a document."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=DeploymentStatus.choices)
    note = models.CharField(_("what happened"), max_length=300)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="deployment_events", verbose_name=_("source")
    )

    class Meta(PartialDateModel.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["date", "pk"]
        constraints = [
            *PartialDateModel.Meta.constraints,
            models.UniqueConstraint(fields=["deployment", "status", "date", "document"], name="event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment}: {self.get_status_display()} ({self.date_display})"


class DocumentDeployment(models.Model):
    class Relation(models.TextChoices):
        REPORTS = "reports", _("reports")
        CONFIRMS = "confirms", _("confirms")
        DISPUTES = "disputes", _("disputes")
        OFFICIAL = "official", _("official response")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="deployment_links")
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="document_links")
    relation = models.CharField(_("kind of link"), max_length=16, choices=Relation.choices, default=Relation.REPORTS)

    class Meta:
        verbose_name = _("document about a deployment")
        verbose_name_plural = _("documents about deployments")
        constraints = [models.UniqueConstraint(fields=["document", "deployment"], name="document_deployment_unique")]

    def __str__(self) -> str:
        return f"{self.document} {self.get_relation_display()} {self.deployment}"


# --- Figures and wins -------------------------------------------------------------------


class KeyFigure(PartialDateModel):
    """A number the campaign quotes, what it counts, as of when, and where it comes from."""

    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    value_display = models.CharField(_("as written"), max_length=60, help_text=_("e.g. “22 of 43”, “£469 million”."))
    counts = models.CharField(_("what it counts"), max_length=300)
    date = models.DateField(_("as of"), null=True, blank=True)
    precision = models.CharField(
        _("date known to the"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="figures", verbose_name=_("source"))
    deployment = models.ForeignKey(Deployment, on_delete=models.SET_NULL, null=True, blank=True, related_name="figures")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(PartialDateModel.Meta):
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["position", "pk"]
        constraints = [
            *PartialDateModel.Meta.constraints,
            models.UniqueConstraint(fields=["document", "counts"], name="figure_unique_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.value_display} {self.counts}"


class Win(PartialDateModel):
    class Kind(models.TextChoices):
        BAN = "ban", _("ban")
        MORATORIUM = "moratorium", _("moratorium")
        RULING = "ruling", _("court ruling")
        CONTRACT = "contract", _("contract cancelled")
        WITHDRAWAL = "withdrawal", _("company withdrawal")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="wins", verbose_name=_("country"))
    summary = models.TextField(_("summary"), help_text=_("Markdown. Raw HTML is removed."))
    deployment = models.ForeignKey(Deployment, on_delete=models.SET_NULL, null=True, blank=True, related_name="wins")
    documents = models.ManyToManyField(Document, related_name="wins", verbose_name=_("sources"))

    class Meta(PartialDateModel.Meta):
        verbose_name = _("win")
        verbose_name_plural = _("wins")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title


# --- Letters cite evidence ----------------------------------------------------------------


class DemandCitation(models.Model):
    """A letter's demand pointing at the evidence behind it (a numbered footnote)."""

    demand = models.ForeignKey("petitions.Demand", on_delete=models.CASCADE, related_name="citations")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evidence cited by a demand")
        verbose_name_plural = _("evidence cited by demands")
        ordering = ["demand", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["demand", "document"], name="citation_unique")]

    def __str__(self) -> str:
        return f"{self.demand} → #{self.document.number}"
