"""Human messages for the tenders' constraints, and field validators for the estimated value and
the currency, so that forms say what to fix on the field. No change in the database."""

import django.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_french_stop_words_before_unaccent"),
        ("tenders", "0007_search_vector_french_stop_words"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="tender",
            name="currency",
            field=models.CharField(
                default="EUR",
                max_length=3,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z]{3}$",
                        message="Type the three capital letters of an ISO 4217 currency, e.g. EUR.",
                    )
                ],
                verbose_name="currency",
            ),
        ),
        migrations.AlterField(
            model_name="tender",
            name="estimated_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=16,
                null=True,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="estimated value",
            ),
        ),
        migrations.AlterConstraint(
            model_name="lot",
            name="lot_value_not_negative",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__isnull", True), ("value__gte", 0), _connector="OR"),
                name="lot_value_not_negative",
                violation_error_message="The estimated value of a lot cannot be negative.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_min_trl_1_9",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("min_trl__isnull", True),
                    models.Q(("min_trl__gte", 1), ("min_trl__lte", 9)),
                    _connector="OR",
                ),
                name="tender_min_trl_1_9",
                violation_error_message="The minimum TRL must be between 1 and 9.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_min_clearance_range",
            constraint=models.CheckConstraint(
                condition=models.Q(("min_clearance__gte", 0), ("min_clearance__lte", 3)),
                name="tender_min_clearance_range",
                violation_error_message="Pick a clearance level from the list.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_value_not_negative",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("estimated_value__isnull", True), ("estimated_value__gte", 0), _connector="OR"
                ),
                name="tender_value_not_negative",
                violation_error_message="The estimated value cannot be negative.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_currency_iso4217",
            constraint=models.CheckConstraint(
                condition=models.Q(("currency__regex", "^[A-Z]{3}$")),
                name="tender_currency_iso4217",
                violation_error_message=(
                    "Type the three capital letters of an ISO 4217 currency, e.g. EUR."
                ),
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_certifications_known",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "mandatory_certifications__contained_by",
                        [
                            "iso9001",
                            "en9100",
                            "iso27001",
                            "aqap2110",
                            "secnumcloud",
                            "passi",
                            "hds",
                            "other",
                        ],
                    ),
                    (
                        "preferred_certifications__contained_by",
                        [
                            "iso9001",
                            "en9100",
                            "iso27001",
                            "aqap2110",
                            "secnumcloud",
                            "passi",
                            "hds",
                            "other",
                        ],
                    ),
                ),
                name="tender_certifications_known",
                violation_error_message="Pick certifications from the list.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_published_has_date",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "cancelled"]),
                    ("published_at__isnull", False),
                    _connector="OR",
                ),
                name="tender_published_has_date",
                violation_error_message="A published tender needs its publication date.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_enquiry_before_submission",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("enquiry_deadline__isnull", True),
                    ("submission_deadline__isnull", True),
                    ("enquiry_deadline__lte", models.F("submission_deadline")),
                    _connector="OR",
                ),
                name="tender_enquiry_before_submission",
                violation_error_message=(
                    "The enquiry deadline must be on or before the submission deadline."
                ),
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_status_known",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["draft", "published", "closed", "awarded", "cancelled"])
                ),
                name="tender_status_known",
                violation_error_message="Unknown tender status.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="tender",
            name="tender_reference_unique_per_buyer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reference", ""), _negated=True),
                fields=("buyer", "reference"),
                name="tender_reference_unique_per_buyer",
                violation_error_message=(
                    "This buyer entity already has a tender with this internal reference: give "
                    "this one another reference."
                ),
            ),
        ),
    ]
