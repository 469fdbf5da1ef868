"""Recompute the live profiles' search vectors with a gap between their parts (lines of the
statement, keywords, references and their clients), as suppliers.services now writes them: a
word pair of a tender no longer matches across two parts. Frozen copy of the statement."""

from django.db import migrations

OWN_STOP_WORD = (
    "(CASE WHEN {config}::regconfig = 'en_unaccent'::regconfig THEN ' the ' ELSE ' le ' END)"
)

SQL = """
UPDATE suppliers_supplierprofile p SET search_vector =
    setweight(to_tsvector({config}::regconfig, regexp_replace(
        coalesce(p.capability_statement, ''), '\\s*[\\n\\r\\f\\v\\u001c-\\u001e\\u0085\\u2028\\u2029]\\s*', {own}, 'g')), 'A')
 || setweight(to_tsvector({config}::regconfig, {own}
        || array_to_string(p.keywords || p.technologies, {own})), 'A')
 || setweight(to_tsvector('fr_unaccent', coalesce((
        SELECT ' le ' || string_agg(regexp_replace(r.description, '\\s*[\\n\\r\\f\\v\\u001c-\\u001e\\u0085\\u2028\\u2029]\\s*', ' le ', 'g')
                                    || ' le ' || r.client, ' le ')
        FROM suppliers_reference r WHERE r.profile_id = p.id), '')), 'C')
WHERE p.is_live
"""

CONFIG = "(CASE WHEN p.statement_language = 'en' THEN 'en_unaccent' ELSE 'fr_unaccent' END)"


class Migration(migrations.Migration):

    dependencies = [
        ("suppliers", "0006_integer_keys"),
    ]

    operations = [
        migrations.RunSQL(
            SQL.format(config=CONFIG, own=OWN_STOP_WORD.format(config=CONFIG)),
            migrations.RunSQL.noop,
        ),
    ]
