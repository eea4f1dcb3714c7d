from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRequest(models.Model):
    """Someone asked, on the public form, what we hold about an address.

    The outbox names objects by id, never by address, so the address waits here for its
    mail. The mail's link names this row, not the address, so the address never shows
    in a URL. Rows go once the link has expired (services.access_requests_purge), and
    at once when the address's data is erased.
    """

    email = models.EmailField(_("email"), max_length=254)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("data access request")
        verbose_name_plural = _("data access requests")

    def __str__(self) -> str:
        return f"access request #{self.pk}"
