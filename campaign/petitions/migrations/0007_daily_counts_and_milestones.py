"""Daily counts per letter for the organisers' dashboard, and the milestones a letter has
passed (each mailed to the organisers once).

The counts are filled from the signatures already there, and the milestones already
passed are recorded without a mail, so that the first confirmation after this migration
does not mail every milestone of a letter's past. The refused-mail index is built
CONCURRENTLY, so signing goes on meanwhile."""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

BACKFILL = """
INSERT INTO petitions_signatureday (petition_id, day, shard, signed, confirmed, mailed)
SELECT petition_id, day, 0, sum(signed), sum(confirmed), sum(mailed) FROM (
    SELECT petition_id, (created_at AT TIME ZONE 'UTC')::date AS day, 1 AS signed, 0 AS confirmed, 0 AS mailed
    FROM petitions_signature
    UNION ALL
    SELECT petition_id, (confirmed_at AT TIME ZONE 'UTC')::date, 0, 1, 0
    FROM petitions_signature WHERE confirmed_at IS NOT NULL
    UNION ALL
    SELECT s.petition_id, (o.sent_at AT TIME ZONE 'UTC')::date, 0, 0, 1
    FROM core_outboxmessage o JOIN petitions_signature s ON s.id = o.object_id
    WHERE o.kind IN ('petitions.confirm', 'petitions.already_signed') AND o.status = 'sent'
) AS events
GROUP BY petition_id, day;

INSERT INTO petitions_milestone (petition_id, threshold, is_goal, reached_at)
SELECT p.id, t.threshold, t.threshold = p.goal, now()
FROM petitions_petition p
JOIN (SELECT petition_id, sum(count) AS total FROM petitions_signaturecounter GROUP BY petition_id) c
  ON c.petition_id = p.id
CROSS JOIN LATERAL (
    SELECT (10 ^ n)::integer FROM generate_series(1, 9) AS n UNION SELECT p.goal
) AS t(threshold)
WHERE t.threshold <= c.total
ON CONFLICT DO NOTHING;
"""


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ('petitions', '0006_handin'),
    ]

    operations = [
        migrations.CreateModel(
            name='Milestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('threshold', models.PositiveIntegerField(verbose_name='signatures')),
                ('is_goal', models.BooleanField(default=False, verbose_name='the goal')),
                ('reached_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reached')),
            ],
            options={
                'verbose_name': 'milestone',
                'verbose_name_plural': 'milestones',
                'ordering': ['petition', 'threshold'],
            },
        ),
        migrations.CreateModel(
            name='SignatureDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('shard', models.PositiveSmallIntegerField()),
                ('signed', models.IntegerField(default=0)),
                ('confirmed', models.IntegerField(default=0)),
                ('mailed', models.IntegerField(default=0)),
            ],
        ),
        AddIndexConcurrently(
            model_name='signature',
            index=models.Index(condition=models.Q(('mail_failed_at__isnull', False)), fields=['petition'], name='signature_mail_refused_idx'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='petition',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='petitions.petition'),
        ),
        migrations.AddField(
            model_name='signatureday',
            name='petition',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='days', to='petitions.petition'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.UniqueConstraint(fields=('petition', 'threshold'), name='milestone_once_per_letter'),
        ),
        migrations.AddConstraint(
            model_name='signatureday',
            constraint=models.UniqueConstraint(fields=('petition', 'day', 'shard'), name='signature_day_unique_shard'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
