"""Create (or reset) the organiser account that `make run` prints."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Ensure an organiser (staff superuser) exists. Uses ORGANISER_EMAIL and ORGANISER_PASSWORD when set."

    def handle(self, *args, **options):
        email = os.environ.get("ORGANISER_EMAIL") or "organiser@example.org"
        password = os.environ.get("ORGANISER_PASSWORD") or secrets.token_urlsafe(12)
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_superuser(email=email, password=password)
        else:
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        from django.contrib.auth.models import Group

        from campaign.accounts.roles import ORGANISER

        user.groups.add(Group.objects.get_or_create(name=ORGANISER)[0])
        self.stdout.write(f"Organiser login: {email} / {password}")
        self.stdout.write("  (first login sets up an authenticator app: two-factor authentication is required)")
