"""The shared cache table (settings.CACHES, default ``dbcache://lus_cache``).

Created by ``migrate`` so a fresh node needs no extra step. Always creates ``lus_cache`` (so
switching CACHE_URL back to the database later needs nothing), plus the table of any other
database cache configured in CACHES. Idempotent: an existing table is left alone (e.g. one made
by ``createcachetable`` before this migration existed).
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "lus_cache"


def _tables() -> list[str]:
    tables = [TABLE]
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, BaseDatabaseCache) and cache._table not in tables:
            tables.append(cache._table)
    return tables


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    for table in _tables():
        command.create_table(schema_editor.connection.alias, table, False)


def drop(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create, drop, elidable=False)]
