from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organizations", "0008_filing_staffing_first_version_business_scope")]

    operations = [
        migrations.AddField(
            model_name="annualreport",
            name="roster",
            field=models.JSONField(blank=True, default=list, verbose_name="认定人员名单"),
        ),
    ]
