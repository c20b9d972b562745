from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0005_backfill_status_lists_and_identity_salts"),
    ]

    operations = [
        migrations.DeleteModel(name="StatusListCounter"),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("status_list", "status_index"), name="one_certificate_per_status_bit"
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("status_index__gte", 0), ("status_index__lt", 131072)),
                name="status_index_within_list",
            ),
        ),
    ]
