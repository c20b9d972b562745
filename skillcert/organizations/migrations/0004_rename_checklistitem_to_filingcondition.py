"""The filing conditions were called `ChecklistItem`, like supervision's checklist items;
the rename says what they are. Rows and constraint names are kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_load_filing_checklists_and_default_policy"),
    ]

    operations = [
        migrations.RenameModel(old_name="ChecklistItem", new_name="FilingCondition"),
    ]
