"""The tender's full-text search vector, maintained by PostgreSQL itself.

A GeneratedField cannot read another table, and the lots live in tenders_lot: so a trigger on
the tender computes the vector (title A, description B, lots C, each in the French and English
unaccented configurations), and a trigger on the lots recomputes their tender's vector. The
vector is therefore always current whoever writes (services, importer, admin, raw SQL), and
search queries only read it through the GIN index."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tenders_tender_vector(tender_id bigint, title text, description text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
  WITH lots AS (
    SELECT coalesce(string_agg(l.title || ' ' || l.description, ' '), '') AS text
    FROM tenders_lot l WHERE l.tender_id = $1
  )
  SELECT setweight(to_tsvector('fr_unaccent', coalesce($2, '')), 'A')
      || setweight(to_tsvector('en_unaccent', coalesce($2, '')), 'A')
      || setweight(to_tsvector('fr_unaccent', coalesce($3, '')), 'B')
      || setweight(to_tsvector('en_unaccent', coalesce($3, '')), 'B')
      || setweight(to_tsvector('fr_unaccent', lots.text), 'C')
      || setweight(to_tsvector('en_unaccent', lots.text), 'C')
  FROM lots
$$;

CREATE OR REPLACE FUNCTION tenders_tender_vector_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := tenders_tender_vector(NEW.id, NEW.title, NEW.description);
  RETURN NEW;
END $$;

-- Every write of a tender row: Django's save() writes all columns, including a stale vector.
CREATE TRIGGER tenders_tender_vector_update
BEFORE INSERT OR UPDATE ON tenders_tender
FOR EACH ROW EXECUTE FUNCTION tenders_tender_vector_trigger();

-- Statement-level with transition tables: a bulk insert of N lots recomputes each tender once.
-- Touching the tender row fires the trigger above, which re-reads all its lots.
CREATE OR REPLACE FUNCTION tenders_lot_vector_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE tenders_tender SET search_vector = NULL
    WHERE id IN (SELECT tender_id FROM new_lots);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE tenders_tender SET search_vector = NULL
    WHERE id IN (SELECT tender_id FROM old_lots);
  ELSE
    UPDATE tenders_tender SET search_vector = NULL
    WHERE id IN (SELECT tender_id FROM new_lots UNION SELECT tender_id FROM old_lots);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tenders_lot_vector_insert AFTER INSERT ON tenders_lot
REFERENCING NEW TABLE AS new_lots
FOR EACH STATEMENT EXECUTE FUNCTION tenders_lot_vector_trigger();

CREATE TRIGGER tenders_lot_vector_update AFTER UPDATE ON tenders_lot
REFERENCING OLD TABLE AS old_lots NEW TABLE AS new_lots
FOR EACH STATEMENT EXECUTE FUNCTION tenders_lot_vector_trigger();

CREATE TRIGGER tenders_lot_vector_delete AFTER DELETE ON tenders_lot
REFERENCING OLD TABLE AS old_lots
FOR EACH STATEMENT EXECUTE FUNCTION tenders_lot_vector_trigger();

UPDATE tenders_tender SET search_vector = NULL;
"""

DROP = """
DROP TRIGGER IF EXISTS tenders_lot_vector_insert ON tenders_lot;
DROP TRIGGER IF EXISTS tenders_lot_vector_update ON tenders_lot;
DROP TRIGGER IF EXISTS tenders_lot_vector_delete ON tenders_lot;
DROP FUNCTION IF EXISTS tenders_lot_vector_trigger();
DROP TRIGGER IF EXISTS tenders_tender_vector_update ON tenders_tender;
DROP FUNCTION IF EXISTS tenders_tender_vector_trigger();
DROP FUNCTION IF EXISTS tenders_tender_vector(bigint, text, text);
"""


class Migration(migrations.Migration):
    dependencies = [("tenders", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
