from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login(request, extra_context=None):
    """The admin's login page, replaced: everyone logs in through allauth, so its rate
    limits and MFA apply here too. The admin's own password form is never shown."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(target or "admin:index")
        raise PermissionDenied
    return redirect_to_login(target or request.path.replace("login/", ""), settings.LOGIN_URL)
