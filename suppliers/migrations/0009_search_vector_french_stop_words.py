"""Recompute the live profiles' search vectors now that `fr_unaccent` drops the accented French
stop words (portal 0004): the statement of 0007, which this one reuses as it stands. The
matching copy (matching_supplierindex) follows through its trigger; `manage.py rematch --all`
then recounts the words' statistics and rebuilds the shortlists (README, Upgrading)."""

import importlib

from django.db import migrations

gaps = importlib.import_module("suppliers.migrations.0007_search_vector_part_gaps")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_french_stop_words_before_unaccent"),
        ("suppliers", "0008_certification_types"),
    ]

    operations = [
        migrations.RunSQL(
            gaps.SQL.format(config=gaps.CONFIG, own=gaps.OWN_STOP_WORD.format(config=gaps.CONFIG)),
            migrations.RunSQL.noop,
        ),
    ]
