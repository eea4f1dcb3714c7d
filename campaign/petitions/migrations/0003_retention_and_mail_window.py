"""Letters get their own retention period and the day they closed; signatures get the
day they were anonymised and the start of their mail window.

An anonymised signature keeps counting but has no address, so signature_live_has_address
admits it, and signature_anonymised_is_scrubbed holds that it really has none. Both are
added NOT VALID and validated afterwards: VALIDATE takes a lock that lets signing go on,
where Django's AddConstraint would check every signature while signing waits. Every
existing row passes (the new column is empty), so nothing can fail half-way."""

from django.db import migrations, models

TABLE = "petitions_signature"


class Migration(migrations.Migration):
    atomic = False  # each step commits, so VALIDATE does not hold the ALTER's lock

    dependencies = [
        ("petitions", "0002_signature_petition_index_in_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name='petition',
            name='closed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='closed'),
        ),
        migrations.AddField(
            model_name='petition',
            name='retention_days',
            field=models.PositiveIntegerField(blank=True, help_text="Once the letter has closed and this many days have passed, its signers' names, addresses, cities and organisations are erased for good; the count by country and day stays. Leave empty for the site's default.", null=True, verbose_name="keep signers' details for (days)"),
        ),
        migrations.AddField(
            model_name='signature',
            name='anonymised_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='anonymised'),
        ),
        migrations.AddField(
            model_name='signature',
            name='mail_window_started_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="signature", name="signature_live_has_address"),
                migrations.AddConstraint(model_name="signature", constraint=models.CheckConstraint(condition=models.Q(('withdrawn_at__isnull', False), ('anonymised_at__isnull', False), ('email_normalised__isnull', False), _connector='OR'), name='signature_live_has_address')),
                migrations.AddConstraint(model_name="signature", constraint=models.CheckConstraint(condition=models.Q(('anonymised_at__isnull', True), models.Q(('email_normalised__isnull', True), ('email', '')), _connector='OR'), name='signature_anonymised_is_scrubbed')),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"""
                    ALTER TABLE {TABLE}
                        DROP CONSTRAINT signature_live_has_address,
                        ADD CONSTRAINT signature_live_has_address CHECK (
                            withdrawn_at IS NOT NULL OR anonymised_at IS NOT NULL OR email_normalised IS NOT NULL
                        ) NOT VALID,
                        ADD CONSTRAINT signature_anonymised_is_scrubbed CHECK (
                            anonymised_at IS NULL OR (email_normalised IS NULL AND email = '')
                        ) NOT VALID
                    """,
                    reverse_sql=f"""
                    ALTER TABLE {TABLE}
                        DROP CONSTRAINT signature_anonymised_is_scrubbed,
                        DROP CONSTRAINT signature_live_has_address,
                        ADD CONSTRAINT signature_live_has_address CHECK (
                            withdrawn_at IS NOT NULL OR email_normalised IS NOT NULL
                        )
                    """,
                ),
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} VALIDATE CONSTRAINT signature_live_has_address",
                    reverse_sql=migrations.RunSQL.noop,
                ),
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} VALIDATE CONSTRAINT signature_anonymised_is_scrubbed",
                    reverse_sql=migrations.RunSQL.noop,
                ),
            ],
        ),
    ]
