from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.articles import selectors, services
from campaign.articles.forms import DocumentAdminForm
from campaign.articles.models import (
    Country,
    DemandCitation,
    Deployment,
    DeploymentEvent,
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
from campaign.core.text import render_markdown


class ReindexMixin:
    """Names feed the documents' search vectors: a rename must reach them."""

    def reindex_ids(self, obj) -> list[int]:
        return list(obj.documents.values_list("pk", flat=True))

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            services.document_reindex(document_ids=self.reindex_ids(form.instance))


@admin.register(Topic, Technology)
class TermAdmin(ReindexMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code"]


@admin.register(Publisher)
class PublisherAdmin(ReindexMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "country", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Entity)
class EntityAdmin(ReindexMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class DocumentDeploymentInline(admin.TabularInline):
    model = DocumentDeployment
    extra = 1
    autocomplete_fields = ["deployment"]


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0
    fields = ["position", "value", "value_display", "counts", "date", "precision", "deployment"]
    autocomplete_fields = ["deployment"]


class DemandCitationInline(admin.TabularInline):
    model = DemandCitation
    extra = 0
    fields = ["demand", "position"]
    verbose_name_plural = _("cited by these demands of letters")


class DocumentSummaryInline(admin.StackedInline):
    model = DocumentSummary
    extra = 0
    verbose_name_plural = _("our summary in other languages (shown to readers of that language)")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    list_display = ["number", "title", "publisher", "doc_type", "published_on", "status", "is_primary_source"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "doc_type", "is_primary_source", "topics", "technologies", "countries"]
    search_fields = ["title", "url", "publisher__name", "authors", "=number"]
    list_select_related = ["publisher"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher", "entities"]
    filter_horizontal = ["countries", "topics", "technologies"]
    readonly_fields = ["public_number", "status", "published_at", "created_at", "updated_at", "preview", "duplicates"]
    inlines = [DocumentSummaryInline, DocumentDeploymentInline, KeyFigureInline, DemandCitationInline]
    actions = ["publish", "withdraw", "back_to_draft"]
    fieldsets = [
        (
            None,
            {"fields": ["public_number", "status", "title", "slug", "publisher", "authors", "doc_type", "language"]},
        ),
        (_("Dates"), {"fields": ["published_on", "published_precision", "published_at", "created_at", "updated_at"]}),
        (_("Links"), {"fields": ["url", "archive_url", "is_primary_source"]}),
        (_("Our summary"), {"fields": ["summary", "preview", "quote", "quote_attribution"]}),
        (_("Classification"), {"fields": ["countries", "topics", "technologies", "entities"]}),
        (_("Checks"), {"fields": ["duplicates"]}),
    ]

    @admin.display(description=_("public number"))
    def public_number(self, document: Document):
        # Drawn from the database sequence on the first save.
        return document.number if document.pk else _("given on the first save")

    @admin.display(description=_("preview"))
    def preview(self, document: Document):
        if not document.pk:
            return _("Save as a draft to see the preview.")
        link = document.get_absolute_url()
        return format_html(
            '<div class="prose">{}</div><p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
            render_markdown(document.summary),
            link,
            _("Open the page as readers will see it"),
        )

    @admin.display(description=_("possible duplicates"))
    def duplicates(self, document: Document):
        twins = selectors.document_possible_duplicates(
            title=document.title, publisher_id=document.publisher_id, exclude_pk=document.pk
        )
        if not twins:
            return _("None found.")
        return format_html_join(
            "",
            '<p><a href="{}">#{} {}</a></p>',
            ((reverse("admin:articles_document_change", args=[twin.pk]), twin.number, twin.title) for twin in twins),
        )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        twins = selectors.document_possible_duplicates(
            title=obj.title, publisher_id=obj.publisher_id, exclude_pk=obj.pk
        )
        if twins:
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    _("Possible duplicate: the same publisher has a document with a similar title:"),
                    ", ".join(f"#{twin.number} “{twin.title}”" for twin in twins),
                ),
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.document_reindex(document_ids=[form.instance.pk])

    def _move(self, request, queryset, status: str) -> None:
        moved = sum(services.document_set_status(document=document, status=status) for document in queryset)
        self.message_user(
            request,
            _("%(moved)d of %(total)d documents changed.") % {"moved": moved, "total": len(queryset)},
            messages.SUCCESS if moved else messages.WARNING,
        )

    @admin.action(description=_("Publish the selected documents"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        self._move(request, queryset, Document.Status.PUBLISHED)

    @admin.action(description=_("Withdraw the selected documents"), permissions=["change"])
    def withdraw(self, request, queryset) -> None:
        self._move(request, queryset, Document.Status.WITHDRAWN)

    @admin.action(description=_("Return the selected documents to draft"), permissions=["change"])
    def back_to_draft(self, request, queryset) -> None:
        self._move(request, queryset, Document.Status.DRAFT)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Withdraw instead: a public number must keep pointing somewhere.
        return request.user.is_superuser


class DeploymentEventInline(admin.TabularInline):
    model = DeploymentEvent
    extra = 1
    fields = ["status", "date", "precision", "note", "document"]
    autocomplete_fields = ["document"]


@admin.register(Deployment)
class DeploymentAdmin(ReindexMixin, admin.ModelAdmin):
    list_display = ["name", "deployer", "place", "country", "current_status"]
    list_filter = ["country", "technologies"]
    search_fields = ["name", "place", "deployer__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["deployer", "vendors"]
    filter_horizontal = ["technologies"]
    inlines = [DeploymentEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status().select_related("deployer", "country")

    @admin.display(description=_("status now"))
    def current_status(self, deployment: Deployment) -> str:
        return deployment.current_status or "—"


@admin.register(Win)
class WinAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "place", "country"]
    fields = ["title", "slug", "kind", "date", "precision", "place", "country", "summary", "deployment", "documents"]
    list_filter = ["kind", "country"]
    search_fields = ["title", "place"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["documents", "deployment"]


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    list_display = ["value_display", "counts", "date", "document"]
    search_fields = ["counts", "value_display"]
    autocomplete_fields = ["document", "deployment"]


@admin.register(DemandCitation)
class DemandCitationAdmin(admin.ModelAdmin):
    list_display = ["demand", "document", "position"]
    list_select_related = ["demand__petition", "document"]
    autocomplete_fields = ["document"]
