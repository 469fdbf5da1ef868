import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

from portal.geography import departement_of_postal_code


def fill(apps, schema_editor):
    """Live profiles that exist already get their head office's département; their references
    have none yet (the column is new), so that is all they have."""
    Departement = apps.get_model("portal", "Departement")
    SupplierProfile = apps.get_model("suppliers", "SupplierProfile")
    known = set(Departement.objects.values_list("code", flat=True))
    by_departement: dict[str, list[int]] = {}
    for pk, postal_code in SupplierProfile.objects.filter(is_live=True).values_list(
        "pk", "postal_code"
    ):
        code = departement_of_postal_code(postal_code)
        if code in known:
            by_departement.setdefault(code, []).append(pk)
    for code, pks in by_departement.items():
        SupplierProfile.objects.filter(pk__in=pks).update(departements=[code])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_search_extensions"),
        ("suppliers", "0003_reference_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="reference",
            name="departement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.departement",
                verbose_name="place of performance (département)",
            ),
        ),
        migrations.AddField(
            model_name="supplierprofile",
            name="departements",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=3),
                blank=True,
                default=list,
                editable=False,
                size=None,
                verbose_name="départements worked in",
            ),
        ),
        migrations.AddIndex(
            model_name="supplierprofile",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["departements"], name="supplier_profile_depts_gin"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
