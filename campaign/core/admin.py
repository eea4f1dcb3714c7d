from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from campaign.core import outbox
from campaign.core.models import OutboxMessage


class ReadOnlyAdminMixin:
    """For a ModelAdmin or inline of records that only services write (audit logs,
    exports, mail): the admin shows them, it never adds, changes or deletes one.
    An action that must still act on them names a permission of its own."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        opts = self.model._meta
        return self.readonly_fields or [field.name for field in [*opts.fields, *opts.many_to_many]]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "kind", "object_id", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    actions = ["resend"]

    def has_resend_permission(self, request) -> bool:
        # Who may change a mail may have it tried again; no field of it is editable.
        return request.user.has_perm("core.change_outboxmessage")

    @admin.action(description=_("Try the selected failed mails again"), permissions=["resend"])
    def resend(self, request, queryset) -> None:
        failed = queryset.filter(status=OutboxMessage.Status.FAILED)
        for message in failed:
            outbox.outbox_resend(message_id=message.pk)
        self.message_user(request, _("%(count)d mails queued again.") % {"count": len(failed)}, messages.SUCCESS)
