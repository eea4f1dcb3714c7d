from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OutboxMessageQuerySet(models.QuerySet):
    def due(self) -> OutboxMessageQuerySet:
        """Pending mails that no worker holds a claim on and whose next try is due."""
        now = timezone.now()
        return self.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=OutboxMessage.Status.PENDING,
            next_attempt_at__lte=now,
        )


class OutboxMessage(models.Model):
    """A mail to send, written in the same transaction as the change that causes it.

    It holds no personal data: only what kind of mail it is and the id of the object
    it is about. The mail is built from that object when it is sent, so a signature
    withdrawn or purged in between is never mailed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed permanently")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=64)
    object_id = models.BigIntegerField(_("object id"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When the message was last handed to the broker; None when the broker refused.
    queued_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True, default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_pending_idx",
            ),
            models.Index(fields=["kind", "object_id"], name="outbox_object_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "cancelled"]),
                name="outbox_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"


class WorkerCanary(models.Model):
    """When a Celery worker last ran a liveness canary (see campaign.core.liveness).

    A worker can stay connected to its broker, answering pings, while it no longer
    takes tasks from its queues (celery#8030 after a Redis restart). Only a task that
    travelled through the broker and the worker's own queue proves it consumes.
    """

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    consumed_at = models.DateTimeField(_("consumed a canary at"))

    class Meta:
        verbose_name = _("worker canary")
        verbose_name_plural = _("worker canaries")

    def __str__(self) -> str:
        return f"{self.hostname} ({self.consumed_at:%Y-%m-%d %H:%M:%S})"
