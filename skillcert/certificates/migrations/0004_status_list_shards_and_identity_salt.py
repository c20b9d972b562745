from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_issue_job_of_result_batch"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusList",
            fields=[
                ("number", models.PositiveIntegerField(primary_key=True, serialize=False)),
                ("allocated", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "证书状态列表",
                "verbose_name_plural": "证书状态列表",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)), name="status_list_from_1"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="certificate",
            name="identity_salt",
            field=models.CharField(default="", max_length=32),
        ),
        migrations.AddField(
            model_name="certificate",
            name="status_list",
            field=models.PositiveIntegerField(default=1, verbose_name="状态列表"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="status_index",
            field=models.IntegerField(verbose_name="状态列表位置"),
        ),
    ]
