from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.coalition.forms import OrganisationAdminForm
from campaign.coalition.models import Application, Contact, Decision, Endorsement, Organisation, OrganisationChange
from campaign.core.admin import ReadOnlyAdminMixin


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "verified_at", "user", "invited_at", "wants_updates"]
    readonly_fields = ["verified_at", "invited_at"]


class EndorsementInline(admin.TabularInline):
    model = Endorsement
    extra = 0
    fields = ["petition", "petition_version", "authorised_by", "endorsed_at", "withdrawn_at"]
    readonly_fields = ["petition_version", "authorised_by", "endorsed_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind", "tier", "status", "joined_at", "is_demo"]
    list_filter = ["status", "tier", "kind", "scope", "is_demo"]
    search_fields = ["name", "short_name", "domain"]
    readonly_fields = ["domain", "status", "joined_at", "left_at", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    form = OrganisationAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ContactInline, EndorsementInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Decisions and endorsements are history; suspend or mark as left instead.
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Applications are decided on the review page (services.application_*)."""

    list_display = ["organisation", "created_at", "confirmed_at", "outcome", "decided_at"]
    list_filter = ["outcome"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: read only, for everyone."""

    list_display = ["organisation", "action", "decided_by", "decided_at"]
    list_filter = ["action"]
    search_fields = ["organisation__name", "reason"]
    readonly_fields = ["organisation", "action", "reason", "decided_by", "decided_at"]


@admin.register(OrganisationChange)
class OrganisationChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Proposed changes are decided on the review page (services.organisation_change_*),
    where the decision is recorded and the representative told; here they are read only."""

    list_display = ["organisation", "name", "website", "country", "state", "proposed_by", "proposed_at"]
    list_select_related = ["organisation", "proposed_by"]
    list_filter = ["state"]
    search_fields = ["organisation__name", "name", "website"]
    readonly_fields = ["organisation", "name", "short_name", "website", "country", "previous", "proposed_by",
                       "proposed_at", "state", "decision"]  # fmt: skip


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "petition", "endorsed_at", "at_launch", "received_via", "withdrawn_at"]
    list_select_related = ["organisation", "petition"]
    list_filter = ["petition", "received_via"]
    readonly_fields = ["organisation", "petition", "petition_version", "authorised_by", "authorised_user",
                       "endorsed_at", "received_via", "recorded_by"]  # fmt: skip

    @admin.display(description=_("at launch"), boolean=True)
    def at_launch(self, obj) -> bool:
        return obj.is_at_launch
