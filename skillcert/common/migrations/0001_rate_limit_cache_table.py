"""The database table behind the shared rate-limit cache (settings.CACHES["ratelimit"] when
no Redis is configured): created here so that `migrate` is all a deployment runs."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    table = schema_editor.quote_name(settings.RATE_LIMIT_CACHE_TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []
    operations = [RunPythonOnRenderedModels(create_cache_table, drop_cache_table)]
