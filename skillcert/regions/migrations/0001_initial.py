import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("code", models.CharField(max_length=6, primary_key=True, serialize=False, verbose_name="行政区划代码")),
                ("name", models.CharField(max_length=64, verbose_name="名称")),
                ("level", models.CharField(choices=[("province", "省级"), ("prefecture", "地市级"), ("county", "县级")], max_length=16, verbose_name="级别")),
                ("active", models.BooleanField(default=True, verbose_name="现行有效")),
                ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="regions.region", verbose_name="上级")),
            ],
            options={"verbose_name": "行政区划", "verbose_name_plural": "行政区划", "ordering": ["code"]},
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(condition=models.Q(code__regex="^[0-9]{6}$"), name="region_code_six_digits"),
        ),
    ]
