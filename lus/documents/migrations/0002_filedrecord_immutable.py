"""On PostgreSQL the database itself refuses to change or delete a filed record or a delivery
attempt. The one change allowed: the conversation reference set to NULL when retention deletes
the conversation (the record outlives it)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION documents_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'documents_filedrecord'
       AND NEW.conversation_id IS NULL
       AND (to_jsonb(NEW) - 'conversation_id') = (to_jsonb(OLD) - 'conversation_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '%% is immutable (%% refused)', TG_TABLE_NAME, TG_OP;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS documents_filedrecord_immutable ON documents_filedrecord;
CREATE TRIGGER documents_filedrecord_immutable
    BEFORE UPDATE OR DELETE ON documents_filedrecord
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();
DROP TRIGGER IF EXISTS documents_deliveryattempt_immutable ON documents_deliveryattempt;
CREATE TRIGGER documents_deliveryattempt_immutable
    BEFORE UPDATE OR DELETE ON documents_deliveryattempt
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS documents_filedrecord_immutable ON documents_filedrecord;
DROP TRIGGER IF EXISTS documents_deliveryattempt_immutable ON documents_deliveryattempt;
DROP FUNCTION IF EXISTS documents_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
