import django.contrib.postgres.fields
from django.db import migrations, models


def fill(apps, schema_editor):
    """Live profiles that exist already get their reference summary."""
    schema_editor.execute(
        """
        UPDATE suppliers_supplierprofile p SET
            reference_count = (SELECT count(*) FROM suppliers_reference r
                               WHERE r.profile_id = p.id),
            reference_clients = ARRAY(SELECT DISTINCT lower(r.client) FROM suppliers_reference r
                                      WHERE r.profile_id = p.id AND r.client <> ''
                                      ORDER BY 1)
        WHERE p.is_live
        """
    )


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0002_matching_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="supplierprofile",
            name="reference_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="supplierprofile",
            name="reference_clients",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
