from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Organisers are created by an admin or a command; nobody signs up on their own.
        return False

    def get_login_redirect_url(self, request) -> str:
        # Staff go to the admin; a representative to their organisation's page.
        user = request.user
        if user.is_staff:
            return resolve_url(settings.LOGIN_REDIRECT_URL)
        if user.has_perm("coalition.edit_own_organisation"):
            return reverse("coalition:manage")
        return reverse("home")
