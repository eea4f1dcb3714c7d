import time
from datetime import UTC, datetime

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

# When this session last logged in with a password (seconds since the epoch).
LOGGED_IN_AT = "accounts.logged_in_at"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Organisers are created by an admin or a command; nobody signs up on their own.
        return False

    def login(self, request, user) -> None:
        super().login(request, user)
        request.session[LOGGED_IN_AT] = time.time()

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again before an authenticator is added or its
        recovery codes are shown. At first login that is moments after the person gave
        it: an account that had no authenticator when it logged in with its password,
        less than the re-authentication timeout ago, sets up its app and sees its codes
        without being asked twice. Any later change (a new app, new codes, turning it
        off) still asks."""
        if app == "allauth.mfa" and self._first_setup_after_login():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _first_setup_after_login(self) -> bool:
        request = self.request
        user = getattr(request, "user", None)
        if request is None or user is None or not user.is_authenticated:
            return False
        logged_in_at = request.session.get(LOGGED_IN_AT)
        if not isinstance(logged_in_at, int | float):
            return False
        if time.time() - logged_in_at >= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT:
            return False
        from allauth.mfa.models import Authenticator

        # Authenticators set up since that login (the app, its recovery codes) are part
        # of this first setup; one from before means this is not a first setup.
        before = datetime.fromtimestamp(logged_in_at, tz=UTC)
        return not Authenticator.objects.filter(user=user, created_at__lt=before).exists()

    def get_login_redirect_url(self, request) -> str:
        return destination_after_login(request.user)


def destination_after_login(user) -> str:
    """Organisers go to their dashboard; other staff (editors) to the admin; a
    representative to their organisation's page; anyone else home."""
    from campaign.organise.rules import can_view_dashboard

    if can_view_dashboard(user):
        return reverse("organise:dashboard")
    if user.is_staff:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    if user.has_perm("coalition.edit_own_organisation"):
        return reverse("coalition:manage")
    return reverse("home")
