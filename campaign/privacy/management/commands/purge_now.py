"""Run every retention purge now, as beat does on its schedule.

After a database restore: the backup brings back people whose data the purges had
erased since it was taken, and beat would only reach them within hours.
"""

from django.core.management.base import BaseCommand

from campaign.coalition.services import applications_purge
from campaign.petitions.services import signatures_anonymise, signatures_purge
from campaign.privacy.services import access_requests_purge


class Command(BaseCommand):
    help = "Run the retention purges now (signatures, anonymisation, applications, access requests)."

    def handle(self, *args, **options) -> None:
        purged, forgotten = signatures_purge()
        self.stdout.write(f"signatures deleted: {purged}; IP hashes forgotten: {forgotten}")
        self.stdout.write(f"signatures anonymised: {signatures_anonymise()}")
        self.stdout.write(f"coalition applications erased: {applications_purge()}")
        self.stdout.write(f"data-access requests forgotten: {access_requests_purge()}")
