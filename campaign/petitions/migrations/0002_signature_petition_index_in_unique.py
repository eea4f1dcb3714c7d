"""Signatures lose the index of their letter alone: signature_one_per_person
(petition, email_normalised) leads with the letter and serves those lookups.

Django's own AlterField would drop and re-add the foreign key too, which checks every
row while signing waits; only the index goes, without locking out signing."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "petitions_signature_petition_id_5a17fa21"


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY run outside a transaction

    dependencies = [
        ("petitions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="signature",
                    name="petition",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="petitions.petition",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" ON "petitions_signature" ("petition_id")',
                ),
            ],
        ),
    ]
