from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value


def enrol_totp(user) -> str:
    """Give an account an authenticator app, as its owner would at first login. Returns
    the secret, from which totp_code() computes the current code."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now. allauth accepts only the current period's
    code, so a code from a period's last seconds waits for the next period: a slow browser
    would otherwise submit it after it expired."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def reauthenticate(client, password: str) -> None:
    """Give the password again, as allauth asks before an export of signatures."""
    from django.urls import reverse

    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, "re-authentication refused"
