from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="日期")),
                ("kind", models.CharField(choices=[("holiday", "法定节假日（休）"), ("workday", "调休上班日")], max_length=16, verbose_name="类型")),
                ("name", models.CharField(blank=True, max_length=64, verbose_name="名称")),
            ],
            options={"verbose_name": "节假日/调休", "verbose_name_plural": "节假日/调休", "ordering": ["date"]},
        ),
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name="年份")),
                ("source", models.CharField(default="chinesecalendar", max_length=64, verbose_name="来源")),
                ("notice", models.CharField(blank=True, max_length=200, verbose_name="依据文件")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={"verbose_name": "日历年份", "verbose_name_plural": "日历年份", "ordering": ["year"]},
        ),
    ]
