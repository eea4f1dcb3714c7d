"""Documents indexed before 0005 were stemmed in English whatever their language: index
them again in their own, so that an upgrade needs no step by hand."""

from django.db import migrations


def reindex_other_languages(apps, schema_editor):
    from campaign.articles.services import REINDEX_SQL

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REINDEX_SQL + " WHERE d.language <> 'en'")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_languages_summaries_former_slugs")]

    operations = [migrations.RunPython(reindex_other_languages, migrations.RunPython.noop)]
