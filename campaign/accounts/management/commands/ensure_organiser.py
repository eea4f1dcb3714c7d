"""Create (or reset) the organiser account that `make run` prints."""

import os
import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from campaign.accounts.roles import ORGANISER


class Command(BaseCommand):
    help = (
        "Ensure an organiser (staff, organiser role) exists. Uses ORGANISER_EMAIL and ORGANISER_PASSWORD "
        "when set; makes it a superuser only when ORGANISER_SUPERUSER is true."
    )

    def handle(self, *args, **options):
        email = os.environ.get("ORGANISER_EMAIL") or "organiser@example.org"
        password = os.environ.get("ORGANISER_PASSWORD") or secrets.token_urlsafe(12)
        # The organiser role carries every permission an organiser's work needs; a
        # superuser can also edit accounts and permissions, so only on request.
        superuser = os.environ.get("ORGANISER_SUPERUSER", "").strip().lower() in {"1", "true", "yes", "on"}
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password)
        else:
            user.set_password(password)
        user.is_staff = user.is_active = True
        user.is_superuser = superuser
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        user.groups.add(Group.objects.get_or_create(name=ORGANISER)[0])
        self.stdout.write(f"Organiser login: {email} / {password}" + (" (superuser)" if superuser else ""))
        self.stdout.write("  (first login sets up an authenticator app: two-factor authentication is required)")
