"""French stop words are recognised before accents are removed: `fr_unaccent` ran `unaccent`
first, so the accented words of PostgreSQL's French stop list ("été", "même", "étant", "à") no
longer matched it and were kept as words ('ete', 'mem'), which a tender and a supplier could
then share. A `simple` dictionary that knows only the stop list (ACCEPT = false: every other
word goes on to the next dictionary) now comes first. A stop word still takes a position, so
word pairs never form across it. The stored vectors are recomputed by suppliers 0009 and
tenders 0007."""

from django.db import migrations

FORWARD = """
CREATE TEXT SEARCH DICTIONARY fr_stopwords (TEMPLATE = simple, STOPWORDS = french, ACCEPT = false);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH fr_stopwords, unaccent, french_stem;
"""

BACKWARD = """
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
DROP TEXT SEARCH DICTIONARY fr_stopwords;
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_invitation_token_salt")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
