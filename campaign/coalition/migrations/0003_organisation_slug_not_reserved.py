from django.db import migrations, models

RESERVED_SLUGS = ["invitation", "join", "logos", "manage", "review"]


def move_reserved_slugs(apps, schema_editor):
    """An organisation that took one of the directory's addresses before they were
    reserved gets its number added, so the constraint can hold."""
    Organisation = apps.get_model("coalition", "Organisation")
    for organisation in Organisation.objects.filter(slug__in=RESERVED_SLUGS):
        organisation.slug = f"{organisation.slug}-{organisation.pk}"
        organisation.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0002_organisation_change"),
    ]

    operations = [
        migrations.RunPython(move_reserved_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug__in", RESERVED_SLUGS), _negated=True),
                name="organisation_slug_not_reserved",
            ),
        ),
    ]
