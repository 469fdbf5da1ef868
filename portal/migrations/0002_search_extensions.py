"""PostgreSQL extensions and text-search configurations shared by every app:
unaccent and pg_trgm, and French/English configurations that ignore accents
("defense" finds "défense")."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CONFIGS = [("fr_unaccent", "french", "french_stem"), ("en_unaccent", "english", "english_stem")]

CREATE = "\n".join(
    f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN
        CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base});
        ALTER TEXT SEARCH CONFIGURATION {name}
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stem};
      END IF;
    END $$;"""
    for name, base, stem in CONFIGS
)
DROP = "\n".join(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};" for name, _b, _s in CONFIGS)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREATE, DROP),
    ]
