from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.petitions.models import Petition, Signature


class Update(models.Model):
    """News an organiser sends to a letter's confirmed signers who asked for it.

    Sending fans out into one UpdateRecipient and one outbox row per signer, in batches
    that move a cursor (last_signature_id) forward; see docs/adr/0007."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="updates", verbose_name=_("letter"))
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), max_length=20_000, help_text=_("Markdown. Raw HTML is removed."))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # A thank-you written ahead: sent by the next delivery step after the letter closes.
    send_when_closed = models.BooleanField(_("send when the letter closes"), default=False)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    # Who asked for the latest test mail: it goes to their address.
    tested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    # Every recipient has their outbox row once this is set.
    queued_at = models.DateTimeField(_("every mail queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    recipients_queued = models.PositiveIntegerField(_("mails queued"), default=0)
    # The fan-out's cursor: signatures up to this id have been considered.
    last_signature_id = models.BigIntegerField(default=0, editable=False)
    # When the last queued mail is due: the next batch is paced on from there.
    scheduled_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-created_at"]
        permissions = [("send_update", _("Can write and send updates to a letter's supporters"))]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["draft", "sending", "sent"]), name="update_state_valid"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(send_started_at__isnull=False), name="update_sending_has_start"
            ),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="update_sent_has_time"),
        ]

    def __str__(self) -> str:
        return self.subject


class UpdateRecipient(models.Model):
    """One signer an update is (or was) mailed to. The unique pair is what keeps a
    resumed fan-out from mailing anyone twice."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="recipients")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the person unsubscribed through this update's link.
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("update recipient")
        verbose_name_plural = _("update recipients")
        constraints = [models.UniqueConstraint(fields=["update", "signature"], name="update_recipient_once")]
        # Unsubscribing and deleting a signature find its rows by signature.
        indexes = [models.Index(fields=["signature"], name="update_recipient_signature_idx")]

    def __str__(self) -> str:
        return f"{self.update_id}/{self.signature_id}"
