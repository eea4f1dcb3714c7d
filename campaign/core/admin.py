from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from campaign.core import outbox
from campaign.core.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "object_id", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Try the selected failed mails again"), permissions=["change"])
    def resend(self, request, queryset) -> None:
        failed = queryset.filter(status=OutboxMessage.Status.FAILED)
        for message in failed:
            outbox.outbox_resend(message_id=message.pk)
        self.message_user(request, _("%(count)d mails queued again.") % {"count": len(failed)}, messages.SUCCESS)
