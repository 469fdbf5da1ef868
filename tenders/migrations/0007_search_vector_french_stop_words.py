"""Recompute every tender's search vector now that `fr_unaccent` drops the accented French stop
words (portal 0004): the trigger of 0002 computes it on any update of the row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_french_stop_words_before_unaccent"),
        ("tenders", "0006_ocds_import_job_heartbeat"),
    ]

    operations = [
        migrations.RunSQL("UPDATE tenders_tender SET search_vector = NULL", migrations.RunSQL.noop)
    ]
