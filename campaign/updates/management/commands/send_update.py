"""Send an update to a letter's supporters from a script:

python manage.py send_update --letter SLUG --subject TEXT --body-file FILE [--dry-run]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaign.petitions.models import Petition
from campaign.updates import services
from campaign.updates.forms import UpdateForm

# How long the command waits for a worker that is queueing the mails itself.
FAN_OUT_PATIENCE = 120


class Command(BaseCommand):
    help = "Send an update (Markdown from a file) to the confirmed signers of a letter who asked for updates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--letter", required=True, help="the letter's slug")
        parser.add_argument("--subject", required=True)
        parser.add_argument("--body-file", required=True, type=Path, help="the text, in Markdown (UTF-8); - for stdin")
        parser.add_argument("--dry-run", action="store_true", help="say how many would receive it, send nothing")

    def handle(self, *args, letter: str, subject: str, body_file, dry_run: bool = False, **options) -> None:
        petition = Petition.objects.filter(slug=letter).first()
        if petition is None:
            raise CommandError(f"No letter has the slug {letter!r}.")
        body = self._read(Path(body_file))
        # The same checks as the organisers' form.
        form = UpdateForm({"subject": subject, "body": body})
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            raise CommandError(f"The update is not valid: {problems}")
        audience = services.update_audience(petition=petition).count()
        if dry_run:
            self.stdout.write(f"{audience} people would receive this update of {petition.slug!r}; nothing sent.")
            return
        update = services.update_create(
            petition=petition, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"], by=None
        )
        services.update_send(update=update, by=None)
        started = time.monotonic()
        # Queue every mail here rather than wait for the worker's steps, so the command
        # reports the real count. A worker's step may hold the update meanwhile (its
        # fan-out skips a locked update): then wait for it to finish queueing.
        while True:
            services.update_fan_out(update_id=update.pk)
            update.refresh_from_db()
            if update.queued_at is not None or time.monotonic() - started > FAN_OUT_PATIENCE:
                break
            time.sleep(0.2)
        seconds = time.monotonic() - started
        rate = settings.UPDATE_MAILS_PER_SECOND
        queued = update.recipients_queued
        if update.queued_at is None:
            self.stdout.write(f"Update {update.pk}: {queued} mails queued so far; the worker queues the rest.")
            return
        self.stdout.write(
            f"Update {update.pk}: {queued} mails queued in {seconds:.1f} s; "
            f"the worker sends them at up to {rate}/s (about {queued / rate:.0f} s)."
        )

    @staticmethod
    def _read(path: Path) -> str:
        try:
            text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        return text.strip()
