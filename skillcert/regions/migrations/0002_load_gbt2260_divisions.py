from django.db import migrations

from skillcert.common.migration_operations import RunPythonOnRenderedModels


def load(apps, schema_editor):
    from skillcert.regions.gbt2260 import read_divisions

    Region = apps.get_model("regions", "Region")
    divisions = read_divisions()
    # Parents first: provinces, then prefectures, then counties.
    order = {"province": 0, "prefecture": 1, "county": 2}
    rows = [
        Region(code=d.code, name=d.name, level=d.level, parent_id=d.parent_code, active=d.active)
        for d in sorted(divisions, key=lambda d: (order[d.level], d.code))
    ]
    Region.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def unload(apps, schema_editor):
    apps.get_model("regions", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ('regions', '0001_squashed_0001'),
    ]
    operations = [RunPythonOnRenderedModels(load, unload)]
