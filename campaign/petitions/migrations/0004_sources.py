import django.db.models.deletion
import django.utils.timezone
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

import campaign.petitions.models


def add_other(apps, schema_editor):
    """The bucket for codes no organiser created (Source.OTHER)."""
    Source = apps.get_model("petitions", "Source")
    Source.objects.get_or_create(code="other", defaults={"name": "Other links", "kind": "channel"})


class Migration(migrations.Migration):
    # The index is built concurrently: signing goes on while it is.
    atomic = False

    dependencies = [
        ("petitions", "0003_retention_and_mail_window"),
    ]

    operations = [
        migrations.CreateModel(
            name="Source",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.SlugField(
                        help_text="Goes in the letter's address as ?src=code. Lower-case letters, digits and hyphens.",
                        max_length=40,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[("partner", "partner"), ("channel", "channel")],
                        default="partner",
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                (
                    "partner_token",
                    models.CharField(
                        default=campaign.petitions.models.new_partner_token, editable=False, max_length=64, unique=True
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="created"),
                ),
            ],
            options={
                "verbose_name": "source",
                "verbose_name_plural": "sources",
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^[a-z0-9][a-z0-9-]*$")), name="source_code_is_lower_slug"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="signature",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signatures",
                to="petitions.source",
                verbose_name="source",
            ),
        ),
        AddIndexConcurrently(
            model_name="signature",
            index=models.Index(
                condition=models.Q(
                    ("confirmed_at__isnull", False),
                    ("source__isnull", False),
                    ("invalidated_at__isnull", True),
                    ("withdrawn_at__isnull", True),
                ),
                fields=["source", "petition"],
                name="signature_source_idx",
            ),
        ),
        migrations.RunPython(add_other, migrations.RunPython.noop),
    ]
