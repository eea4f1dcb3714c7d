from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, Sum
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaign.core.admin import ReadOnlyAdminMixin
from campaign.core.csv import EXCEL_BOM, csv_chunks
from campaign.core.links import absolute_url
from campaign.petitions import services
from campaign.petitions.models import (
    Delivery,
    DeliveryPack,
    Demand,
    Petition,
    PetitionTranslation,
    PetitionVersion,
    Response,
    Signature,
    SignatureExport,
    Source,
)

EXPORT_COLUMNS = [
    ("name", _("name")),
    ("email", _("email")),
    ("country", _("country")),
    ("city", _("city")),
    ("affiliation", _("organisation or role")),
    ("is_public", _("public")),
    ("wants_updates", _("wants updates")),
    ("language", _("language")),
    ("petition_version", _("version signed")),
    ("confirmed_at", _("confirmed")),
]


class DemandInline(admin.TabularInline):
    model = Demand
    extra = 1
    fields = ["position", "text"]


class DeliveryInline(admin.StackedInline):
    """When, to whom and how the letter was handed in: shown publicly on the letter's
    timeline. Saved with the letter, whose save retires the cached public pages
    (services.petition_publish_changes)."""

    model = Delivery
    extra = 0
    fields = ["delivered_at", "recipient", "method", "note"]


class ResponseInline(admin.StackedInline):
    """An answer to the letter, shown publicly on its timeline (saved as DeliveryInline)."""

    model = Response
    extra = 0
    fields = ["received_at", "sender", "summary", "document_url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class TranslationInline(admin.StackedInline):
    """The letter in another language: one count, one set of endorsements. Saved with
    the letter, whose save records each translation's version and retires the cached
    pages (services.petition_publish_changes)."""

    model = PetitionTranslation
    extra = 0
    fields = ["language", "title", "summary", "addressee", "body", "demands", "version"]
    readonly_fields = ["version"]


class PetitionVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PetitionVersion
    extra = 0
    fields = ["language", "number", "title", "created_at"]
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "signatures", "goal", "version", "opens_at", "closes_at", "export_link"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version", "created_at", "updated_at", "closed_at"]
    inlines = [DemandInline, TranslationInline, DeliveryInline, ResponseInline, PetitionVersionInline]

    def view_on_site(self, petition: Petition) -> str:
        # A draft has no public page yet: its preview shows it as readers will see it.
        if petition.status == Petition.Status.DRAFT:
            return reverse("petitions:preview", kwargs={"slug": petition.slug})
        return petition.get_absolute_url()

    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "status", "language", "addressee", "goal"]}),
        (_("Text"), {"fields": ["summary", "body"]}),
        (_("Dates"), {"fields": ["opens_at", "closes_at", "version", "created_at", "updated_at"]}),
        (_("Signers' details"), {"fields": ["retention_days", "closed_at"]}),
    ]

    def get_queryset(self, request):
        # The public count of each letter, from its counters (a few rows a letter).
        return super().get_queryset(request).annotate(signature_total=Sum("counters__count"))

    @admin.display(description=_("signatures"), ordering="signature_total")
    def signatures(self, petition: Petition) -> str:
        url = reverse("admin:petitions_signature_changelist")
        return format_html(
            '<a href="{}?petition__id__exact={}">{}</a> · <a href="{}">{}</a>',
            url,
            petition.pk,
            intcomma(petition.signature_total or 0),
            reverse("organise:letter", kwargs={"slug": petition.slug}),
            _("dashboard"),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("retention_days")
        if field is not None:
            # The default is a setting, so the model's help text cannot name it.
            field.help_text = _(
                "Once the letter has closed and this many days have passed, its signers' names, "
                "addresses, cities and organisations are erased for good; the count by country "
                "and day stays. Leave empty for the site's default of %(days)d days."
            ) % {"days": settings.SIGNATURE_RETENTION_DAYS}
        return form

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Demands are saved with the inlines, so the text is complete only now.
        services.petition_publish_changes(petition=form.instance)

    def delete_model(self, request, obj) -> None:
        services.petitions_delete(petitions=Petition.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        services.petitions_delete(petitions=queryset)

    def get_urls(self):
        # An export carries every signer's address: whoever asks must have given their
        # password or a code in the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds, so an
        # unattended or stolen session cannot take the list away.
        return [
            path(
                "<int:petition_id>/export.csv",
                self.admin_site.admin_view(reauthentication_required(self.export_view)),
                name="petitions_petition_export",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("export"))
    def export_link(self, petition: Petition) -> str:
        url = reverse("admin:petitions_petition_export", args=[petition.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?for=excel">{}</a> · <a href="{}">{}</a>',
            url,
            _("CSV of confirmed signatures"),
            url,
            _("for Excel"),
            reverse("handin:packs", kwargs={"slug": petition.slug}),
            _("delivery pack"),
        )

    def export_view(self, request, petition_id: int):
        """A streamed CSV of one letter's counted signatures: flat memory at any size,
        every cell safe to open in a spreadsheet, every export on the record."""
        if not request.user.has_perm("petitions.export_signatures"):
            raise PermissionDenied
        petition = get_object_or_404(Petition, pk=petition_id)
        SignatureExport.objects.create(petition=petition, exported_by=request.user)
        fields = [name for name, _label in EXPORT_COLUMNS]
        rows = (
            Signature.objects.counted()
            .filter(petition=petition)
            .order_by("pk")
            .values_list(*fields)
            .iterator(chunk_size=5000)
        )
        header = [str(label) for _name, label in EXPORT_COLUMNS]
        # Excel reads a CSV as UTF-8 only after a byte-order mark, which other tools keep
        # as part of the first column's name: so the mark only in the copy for Excel.
        for_excel = request.GET.get("for") == "excel"
        suffix = "-excel" if for_excel else ""
        filename = f"{petition.slug}-signatures-{timezone.now():%Y%m%d-%H%M}{suffix}.csv"
        response = StreamingHttpResponse(
            csv_chunks(header, rows, prefix=EXCEL_BOM if for_excel else ""), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class SignatureAdminForm(forms.ModelForm):
    """What a signer chose to share is theirs to widen: an organiser may hide a name
    from the wall or stop updates, never show a name or start sending updates."""

    class Meta:
        model = Signature
        fields = ["name", "country", "city", "affiliation", "is_public", "wants_updates"]

    def _only_off(self, name: str, message: str) -> bool:
        value = self.cleaned_data.get(name)
        if value and not getattr(self.instance, name):
            raise forms.ValidationError(message)
        return value

    def clean_is_public(self) -> bool:
        return self._only_off("is_public", _("Only the signer can choose to show their name."))

    def clean_wants_updates(self) -> bool:
        return self._only_off("wants_updates", _("Only the signer can ask for campaign updates."))


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    form = SignatureAdminForm
    list_display = ["name", "email", "petition", "country", "created_at", "confirmed_at", "state", "is_demo"]
    list_filter = [
        "petition",
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("withdrawn_at", admin.EmptyFieldListFilter),
        ("invalidated_at", admin.EmptyFieldListFilter),
        ("mail_failed_at", admin.EmptyFieldListFilter),
        "is_public",
        "is_demo",
    ]
    search_fields = ["name", "email", "email_normalised", "affiliation"]
    date_hierarchy = "created_at"
    list_select_related = ["petition"]
    actions = ["invalidate", "resend_mail", "erase"]
    readonly_fields = [
        "petition",
        "petition_version",
        "email",
        "consent_text",
        "consent_version",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
        "invalidated_at",
        "anonymised_at",
        "mail_failed_at",
    ]
    fields = ["name", "country", "city", "affiliation", "is_public", "wants_updates", *readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and (obj.withdrawn_at or obj.anonymised_at):
            return self.fields  # the person's details are gone and stay gone
        return self.readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting would bypass the counters: invalidate instead.
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "is_public" in form.changed_data and not obj.is_public:
            # A name just hidden must not stay in a pack made to be handed over.
            services.packs_forget_names(petition_id=obj.petition_id)

    @admin.display(description=_("state"))
    def state(self, signature: Signature) -> str:
        if signature.withdrawn_at:
            return _("withdrawn")
        if signature.anonymised_at:
            return _("anonymised")
        if signature.invalidated_at:
            return _("invalidated")
        if signature.mail_failed_at and not signature.confirmed_at:
            return _("mail refused")
        return _("confirmed") if signature.confirmed_at else _("pending")

    @admin.action(description=_("Invalidate the selected signatures"), permissions=["change"])
    def invalidate(self, request, queryset) -> None:
        done = sum(services.signature_invalidate(signature=signature) for signature in queryset)
        self.message_user(request, _("%(count)d signatures invalidated.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Send the confirmation mail again"), permissions=["change"])
    def resend_mail(self, request, queryset) -> None:
        done = 0
        for signature in queryset:
            Signature.objects.filter(pk=signature.pk).update(mail_failed_at=None)
            done += services.signature_remind(signature=signature)
        self.message_user(request, _("%(count)d mails queued.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Erase the selected signatures (data-protection request)"), permissions=["change"])
    def erase(self, request, queryset) -> None:
        """For a person who asks by post or phone. The audit log says who erased which
        signature and when, and nothing of what was erased: not str(signature), which
        may carry the name."""
        content_type = ContentType.objects.get_for_model(Signature)
        done = 0
        for signature in queryset:
            if services.signature_erase(signature=signature):
                done += 1
                LogEntry.objects.create(
                    user_id=request.user.pk,
                    content_type_id=content_type.pk,
                    object_id=str(signature.pk),
                    object_repr=f"signature #{signature.pk}",
                    action_flag=CHANGE,
                    change_message="Erased on a data-protection request.",
                )
        self.message_user(request, _("%(count)d signatures erased.") % {"count": done}, messages.SUCCESS)


@admin.register(SignatureExport)
class SignatureExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["petition", "exported_by", "created_at"]
    list_filter = ["petition"]
    readonly_fields = ["petition", "exported_by", "created_at"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Codes for partners and channels. Counts are shown in aggregate, never who."""

    list_display = ["name", "code", "kind", "signatures_confirmed"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["letter_links", "partner_link", "created_at"]
    fields = ["name", "code", "kind", "letter_links", "partner_link", "created_at"]
    actions = ["new_partner_link"]

    def get_queryset(self, request):
        counted = Q(signatures__confirmed_at__isnull=False) & Q(signatures__withdrawn_at__isnull=True)
        counted &= Q(signatures__invalidated_at__isnull=True)
        return super().get_queryset(request).annotate(confirmed=Count("signatures", filter=counted))

    @admin.display(description=_("confirmed signatures"), ordering="confirmed")
    def signatures_confirmed(self, source: Source) -> int:
        return source.confirmed

    @admin.display(description=_("links to share"))
    def letter_links(self, source: Source) -> str:
        if source.pk is None:
            return _("Save the source to see its links.")
        letters = Petition.objects.open()
        if not letters:
            return _("No letter is open for signatures.")
        return format_html_join(
            "",
            "<div>{}: <code>{}</code></div>",
            ((letter.title, absolute_url(f"{letter.get_absolute_url()}?src={source.code}")) for letter in letters),
        )

    @admin.display(description=_("partner's secret link to their totals"))
    def partner_link(self, source: Source) -> str:
        if source.pk is None:
            return "—"
        return format_html("<code>{}</code>", absolute_url(source.get_partner_url()))

    def get_readonly_fields(self, request, obj=None):
        # A code in use is printed on partners' sites and in sent mails: it stays.
        if obj is not None and obj.signatures.exists():
            return [*self.readonly_fields, "code"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.code == Source.OTHER:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        services.source_save(source=obj)

    def delete_model(self, request, obj) -> None:
        services.sources_delete(sources=Source.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        services.sources_delete(sources=queryset.exclude(code=Source.OTHER))

    @admin.action(
        description=_("Replace the partner's secret link (the old one stops working)"), permissions=["change"]
    )
    def new_partner_link(self, request, queryset) -> None:
        for source in queryset:
            services.source_new_partner_link(source=source)
        self.message_user(request, _("%(count)d links replaced.") % {"count": len(queryset)}, messages.SUCCESS)


@admin.register(DeliveryPack)
class DeliveryPackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who asked for which letter's pack, and when: the files are downloaded from the
    organisers' page, which asks for the password again before a list of names."""

    list_display = ["petition", "requested_by", "created_at", "state", "include_signers", "signature_count"]
    list_filter = ["state", "include_signers", "petition"]
    fields = [
        "petition",
        "requested_by",
        "created_at",
        "finished_at",
        "state",
        "include_signers",
        "signature_count",
        "signer_count",
        "organisation_count",
        "page_count",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "csv")
