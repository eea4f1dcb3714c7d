from __future__ import annotations

import io

from django.contrib.auth.models import Group
from PIL import Image

from campaign.accounts.models import User
from campaign.accounts.roles import ORGANISER, REPRESENTATIVE
from campaign.coalition.forms import ApplicationForm
from tests.accounts.helpers import enrol_totp, totp_code  # noqa: F401 - re-exported for the coalition tests
from tests.core.helpers import old_stamp


def apply_data(**overrides) -> dict:
    data = {
        "name": "Riverside Privacy Group",
        "short_name": "RPG",
        "website": "https://riverside-privacy.example.org",
        "country": "GB",
        "scope": "local",
        "kind": "community",
        "description": "We watch the cameras on our high street.",
        "focus_areas": "policing",
        "applicant_name": "Sam Rivers",
        "applicant_role": "Coordinator",
        "email": "sam@riverside-privacy.example.org",
        "why": "We want a ban.",
        "is_authorised": "on",
        "accepts_principles": "on",
        "nickname": "",
        "stamp": old_stamp(ApplicationForm),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_user(email: str, *, role: str | None = None, totp: bool = False, **extra) -> User:
    user = User.objects.create_user(email=email, password="a long enough passphrase 42", **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp:
        user.totp_secret = enrol_totp(user)
    return user


def organiser(email: str = "organiser@example.org", **extra) -> User:
    return make_user(email, role=ORGANISER, totp=True, is_staff=True, **extra)


def representative_of(organisation, email: str | None = None) -> User:
    from campaign.coalition.models import Contact

    # Representatives use two-factor authentication, as every role does.
    user = make_user(email or f"rep-{organisation.slug}@example.org", role=REPRESENTATIVE, totp=True)
    Contact.objects.create(
        organisation=organisation, name="Rep", role="Officer", email=user.email, verified_at=user.date_joined, user=user
    )
    return user


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 120), **save_args) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(out, format=fmt, **save_args)
    return out.getvalue()
