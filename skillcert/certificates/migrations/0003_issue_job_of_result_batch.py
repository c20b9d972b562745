# IssueBatch: the result batch it issues, a named status, its finishing time.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_correction_requests"),
        ("organizations", "0004_rename_checklistitem_to_filingcondition"),
        ("scoring", "0001_results_marking_publication_recheck_analysis"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="issuebatch",
            options={
                "ordering": ["-id"],
                "verbose_name": "批量发证",
                "verbose_name_plural": "批量发证",
            },
        ),
        migrations.AddField(
            model_name="issuebatch",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="完成时间"),
        ),
        migrations.AddField(
            model_name="issuebatch",
            name="result_batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="scoring.resultbatch",
                verbose_name="成绩批次",
            ),
        ),
        migrations.AlterField(
            model_name="issuebatch",
            name="status",
            field=models.CharField(
                choices=[("queued", "排队中"), ("running", "发证中"), ("finished", "已完成")],
                default="queued",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="issuebatch",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("result_batch",),
                name="one_unfinished_issue_job_per_result_batch",
            ),
        ),
    ]
