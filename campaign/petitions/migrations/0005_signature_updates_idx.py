"""The signers an update goes to, walked in id order by campaign.updates: a partial
index, so only opted-in, counted signatures carry an entry. Built concurrently, so
signing goes on while it is built on a large table."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("petitions", "0004_sources"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="signature",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", False),
                    ("wants_updates", True),
                    ("invalidated_at__isnull", True),
                    ("withdrawn_at__isnull", True),
                ),
                fields=["petition", "id"],
                name="signature_updates_idx",
            ),
        ),
    ]
