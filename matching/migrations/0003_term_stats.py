from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_follows_and_shortlist_entries"),
    ]

    operations = [
        migrations.CreateModel(
            name="CorpusStat",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("documents", models.PositiveIntegerField(default=0)),
                ("average_length", models.FloatField(default=0.0)),
                ("refreshed_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name="TermStat",
            fields=[
                ("lexeme", models.TextField(primary_key=True, serialize=False)),
                ("documents", models.PositiveIntegerField()),
            ],
        ),
    ]
