"""personnel's `Sitting` (one assessment a person served at) shared its name with the exams
app's unified sitting; it is the practice record (考评工作记录) it always described."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("personnel", "0006_learning_records_by_attendance_day"),
    ]

    operations = [
        migrations.RenameModel(old_name="Sitting", new_name="PracticeRecord"),
    ]
