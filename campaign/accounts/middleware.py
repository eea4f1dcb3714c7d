from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from campaign.accounts.roles import needs_mfa


class RequireMFAMiddleware:
    """Every staff user, superuser and role member (organiser, editor, representative)
    sets up two-factor authentication before doing anything else: every page but the
    setup itself and logging out sends them to the TOTP setup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session no one is logged in: the session is left unread, so a
        # reader's page does not vary on Cookie and a shared cache can keep it.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._allowed(request.path) and self._missing(user):
            messages.info(
                request,
                _(
                    "Your account can change what the site publishes or see personal data, so it needs "
                    "two-factor authentication. Please set up an authenticator app now."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        allowed = (
            reverse("mfa_activate_totp"),
            reverse("mfa_generate_recovery_codes"),
            reverse("mfa_view_recovery_codes"),
            reverse("mfa_download_recovery_codes"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            "/static/",
        )
        return path.startswith(allowed)

    @staticmethod
    def _missing(user) -> bool:
        if not needs_mfa(user):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
